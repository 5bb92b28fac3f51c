#pragma once
// The self-contained HTML report of a run: summary table, figures (Chart.js inlined), resolved
// config. It opens offline: no network access, no external files.
#include <string>

#include <nlohmann/json.hpp>

namespace td {

std::string render_taep_report(const nlohmann::json& results, const std::string& resolved_config_toml);

// Escapes text for HTML element content and attribute values.
std::string html_escape(const std::string& s);

}  // namespace td
