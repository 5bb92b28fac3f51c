#pragma once
// Runs a "schedules" experiment into results.json (schema in docs/keys/schedules.md) and writes the
// exported schedules beside it: schedules.json and schedules.csv (docs/schedules.md#s6.4).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/schedules/config.hpp"

namespace td {

nlohmann::json run_schedules_experiment(const SchedulesConfig& cfg, const RunContext& ctx);

// The self-contained HTML report (figures drawn by experiments/schedules/report.js).
std::string render_schedules_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
