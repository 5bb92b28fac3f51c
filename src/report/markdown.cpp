#include "report/markdown.hpp"

#include <regex>
#include <sstream>
#include <vector>

#include "report/html_report.hpp"

namespace td {
namespace {

// Inline markup of one line (already split from block structure): `code`, **bold**, and links
// [text](target) shown as their text (the docs' own cross-links point at files, not at the page).
std::string inline_html(const std::string& line) {
  std::string out;
  size_t i = 0;
  bool bold = false;
  while (i < line.size()) {
    if (line[i] == '`') {
      const size_t end = line.find('`', i + 1);
      if (end != std::string::npos) {
        out += "<code>" + html_escape(line.substr(i + 1, end - i - 1)) + "</code>";
        i = end + 1;
        continue;
      }
    }
    if (line.compare(i, 2, "**") == 0) {
      out += bold ? "</b>" : "<b>";
      bold = !bold;
      i += 2;
      continue;
    }
    if (line[i] == '[') {
      const size_t close = line.find("](", i);
      const size_t end = close == std::string::npos ? close : line.find(')', close);
      if (end != std::string::npos) {
        out += inline_html(line.substr(i + 1, close - i - 1));
        i = end + 1;
        continue;
      }
    }
    out += html_escape(std::string(1, line[i]));
    ++i;
  }
  if (bold) out += "</b>";
  return out;
}

std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string s = line.substr(line.find('|') + 1);
  if (!s.empty() && s.back() == '|') s.pop_back();
  std::stringstream ss(s);
  for (std::string c; std::getline(ss, c, '|');) {
    const size_t a = c.find_first_not_of(' '), b = c.find_last_not_of(' ');
    cells.push_back(a == std::string::npos ? "" : c.substr(a, b - a + 1));
  }
  return cells;
}

}  // namespace

std::string markdown_html(const std::string& md, const std::string& id_prefix) {
  static const std::regex anchor(R"re(^<a id="([^"]+)"></a>\s*$)re");
  std::stringstream in(md);
  std::string out, line, pending_id, para;
  bool list = false, table = false, code = false;
  auto flush = [&] {
    if (!para.empty()) out += "<p>" + para + "</p>\n";
    para.clear();
    if (list) out += "</ul>\n";
    if (table) out += "</tbody></table>\n";
    list = table = false;
  };
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      flush();
      out += code ? "</pre>\n" : "<pre>";
      code = !code;
      continue;
    }
    if (code) {
      out += html_escape(line) + "\n";
      continue;
    }
    if (std::regex_match(line, m, anchor)) {
      flush();
      pending_id = m[1];
      continue;
    }
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') {
      flush();
      const size_t level = line.find_first_not_of('#');
      const std::string tag = "h" + std::to_string(std::min<size_t>(level + 1, 6));  // the page has its h1, h2
      out += "<" + tag + (pending_id.empty() ? "" : " id=\"" + id_prefix + pending_id + "\"") + ">" +
             inline_html(line.substr(line.find_first_not_of("# "))) + "</" + tag + ">\n";
      pending_id.clear();
      continue;
    }
    if (line[0] == '|') {
      const auto cells = table_cells(line);
      if (line.find("---") != std::string::npos) continue;  // the header rule
      if (!table) {
        flush();
        out += "<table class=\"summary\"><tbody>\n";
        table = true;
      }
      out += "<tr>";
      for (const auto& c : cells) out += "<td>" + inline_html(c) + "</td>";
      out += "</tr>\n";
      continue;
    }
    if (line.rfind("- ", 0) == 0) {
      if (!para.empty()) flush();
      if (!list) {
        flush();
        out += "<ul>\n";
        list = true;
      }
      out += "<li>" + inline_html(line.substr(2)) + "</li>\n";
      continue;
    }
    if (list && line.rfind("  ", 0) == 0) {  // a list item's continuation line
      out.insert(out.size() - 6, " " + inline_html(line.substr(2)));  // before "</li>\n"
      continue;
    }
    if (table) flush();
    para += (para.empty() ? "" : " ") + inline_html(line);
  }
  flush();
  if (code) out += "</pre>\n";
  return out;
}

}  // namespace td
