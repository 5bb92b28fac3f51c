#pragma once
// Runs a "nonequilibrium" experiment (Yu & Huang; FORMULAS §4) into results.json (schema in README,
// "results.json: nonequilibrium").
#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/nonequilibrium_config.hpp"

namespace td {

nlohmann::json run_nonequilibrium_experiment(const NonequilibriumConfig& cfg, const RunContext& ctx);

}  // namespace td
