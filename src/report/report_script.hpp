#pragma once
#include <string>

namespace td {
// The JavaScript shared by every report (defines the global TD; report_page puts it first).
const std::string& report_prelude_script();
// The JavaScript that draws each report's figures from the embedded results JSON.
const std::string& taep_report_script();
const std::string& likelihood_report_script();
const std::string& information_report_script();
const std::string& nonequilibrium_report_script();
const std::string& learning_report_script();
}  // namespace td
