#pragma once
// Runs a "geometry" experiment into results.json (schema in docs/keys/geometry.md).
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/geometry/config.hpp"

namespace td {

nlohmann::json run_geometry_experiment(const GeometryConfig& cfg, const RunContext& ctx);

// The self-contained HTML report (figures drawn by experiments/geometry/report.js).
std::string render_geometry_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
