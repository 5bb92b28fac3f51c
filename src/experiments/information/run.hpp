#pragma once
// Runs an "information" experiment (docs §5): the analyses its config names, each on exact
// mixture scores, into results.json (schema in docs/keys/information.md).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/information/config.hpp"

namespace td {

nlohmann::json run_information_experiment(const InformationConfig& cfg, const RunContext& ctx);

// The self-contained HTML report of its results (figures drawn by experiments/information/report.js).
std::string render_information_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
