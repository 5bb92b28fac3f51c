#pragma once
// The docs (docs/*.md, embedded in the binary) as HTML for the reports' physics appendix: headings,
// paragraphs, lists, pipe tables, code, bold. An `<a id="ID"></a>` line gives the next heading the id
// id_prefix + ID, the target of the reports' section links ("§2.4" -> #doc-s2.4).
#include <string>

namespace td {

std::string markdown_html(const std::string& markdown, const std::string& id_prefix);

}  // namespace td
