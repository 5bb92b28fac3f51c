#pragma once
#include <string>

namespace td {
// The JavaScript that draws the TAEP report's figures from the embedded results JSON.
const std::string& taep_report_script();
}  // namespace td
