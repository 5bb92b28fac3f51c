#pragma once
// Runs a "learning" experiment (Ding, Quan & Tu Sec. 4.2, Figs. 3-4) into results.json (schema in
// docs/keys/learning.md).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/learning/config.hpp"

namespace td {

nlohmann::json run_learning_experiment(const LearningConfig& cfg, const RunContext& ctx);

// The self-contained HTML report of its results (figures drawn by experiments/learning/report.js).
std::string render_learning_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
