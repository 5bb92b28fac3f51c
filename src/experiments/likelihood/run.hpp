#pragma once
// Runs a "likelihood" experiment (Kodama & Hinczewski's sigma sweep): per (data, process, sigma),
// trains an MLP on synthetic images, then measures on held-out images the exact NLL by the PF-ODE,
// the entropy rates along the forward process, the bound and the gap with its decomposition
// (the exact score of the data is known); optionally the same for the exact score itself; and,
// across the trained models, the Pearson and Spearman correlations of NLL with the gap.
#include <string>

#include <nlohmann/json.hpp>

#include "experiments/experiment_common.hpp"
#include "experiments/likelihood/config.hpp"

namespace td {

// Returns results.json's content (schema in docs/keys/likelihood.md).
nlohmann::json run_likelihood_experiment(const LikelihoodConfig& cfg, const RunContext& ctx);

// The self-contained HTML report of its results (figures drawn by experiments/likelihood/report.js).
std::string render_likelihood_report(const nlohmann::json& results, const std::string& resolved_config_toml);

}  // namespace td
