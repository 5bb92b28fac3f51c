#pragma once
// The self-contained HTML report of a run: summary table, figures (Chart.js inlined), resolved
// config. It opens offline: no network access, no external files.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace td {

// The page every report shares: head (style, Chart.js inlined, the results embedded as JSON in
// #results), the title, `body` (HTML), a #figures container the script fills, the resolved config,
// the run record, and the physics appendix: the docs pages `docs` ("taep" for docs/taep.md, with
// docs/processes.md always first), whose sections the captions' "§2.4" links point at.
std::string report_page(const std::string& title, const nlohmann::json& results, const std::string& body,
                        const std::string& resolved_config_toml, const std::string& script,
                        const std::vector<std::string>& docs);
// A number for a table cell (&ndash; when not a number), and "value ± se" of obj[key], obj[se_key].
std::string html_num(const nlohmann::json& v, int prec = 4);
std::string html_pm(const nlohmann::json& obj, const char* key, const char* se_key);
// value +- SE (dt e): with the discretization error, highlighted when it exceeds the SE.
std::string html_pm_dt(const nlohmann::json& obj, const char* key, const char* se_key, const char* dt_key);

// Escapes text for HTML element content and attribute values.
std::string html_escape(const std::string& s);

}  // namespace td
