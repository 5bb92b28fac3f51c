#pragma once
// Runs a "nonequilibrium" experiment (Yu & Huang; docs §4) into results.json (schema in
// docs/keys/nonequilibrium.md).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/nonequilibrium/config.hpp"

namespace td {

nlohmann::json run_nonequilibrium_experiment(const NonequilibriumConfig& cfg, const RunContext& ctx);

// The self-contained HTML report of its results (figures drawn by experiments/nonequilibrium/report.js).
std::string render_nonequilibrium_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
