#pragma once
// Runs a "learning" experiment (Ding, Quan & Tu Sec. 4.2, Figs. 3-4) into results.json (schema in
// README, "results.json: learning").
#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/learning_config.hpp"

namespace td {

nlohmann::json run_learning_experiment(const LearningConfig& cfg, const RunContext& ctx);

}  // namespace td
