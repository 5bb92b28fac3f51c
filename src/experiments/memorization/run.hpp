#pragma once
// Runs a "memorization" experiment into results.json (schema in docs/keys/memorization.md).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/memorization/config.hpp"

namespace td {

nlohmann::json run_memorization_experiment(const MemorizationConfig& cfg, const RunContext& ctx);

// The self-contained HTML report (figures drawn by experiments/memorization/report.js).
std::string render_memorization_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
