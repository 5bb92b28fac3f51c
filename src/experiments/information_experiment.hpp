#pragma once
// Runs an "information" experiment (FORMULAS §5): the analyses its config names, each on exact
// mixture scores, into results.json (schema in README, "results.json: information").
#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/information_config.hpp"

namespace td {

nlohmann::json run_information_experiment(const InformationConfig& cfg, const RunContext& ctx);

}  // namespace td
