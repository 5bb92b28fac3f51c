// The "likelihood" experiment bound for the program (experiments/experiment_list.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "experiments/likelihood/run.hpp"
#include "experiments/models.hpp"
#include "experiments/registry.hpp"

namespace td {
namespace {

// The [[models]] in their order, all on the one [data] and [process]; a sweep's models are MLPs
// trained in the run (nothing to probe).
nlohmann::json probe(const LikelihoodConfig& c) {
  if (c.sweep || c.runs.empty()) return nlohmann::json::array();
  std::vector<ModelSpec> models;
  for (const LikelihoodRun& r : c.runs) models.push_back(r.model);
  return check_models(models, *c.runs.front().data, c.runs.front().process, c.seed);
}

// The largest model's NLL solver states and entropy-rate samples (docs/robustness.md#memory).
std::vector<MemoryTerm> memory_of(const LikelihoodConfig& c) {
  double most = 0;
  for (const LikelihoodRun& r : c.runs)
    most = std::max(most, double(r.data->dim) * (double(c.test_samples) * 16 + double(c.rates.samples) * 8) * kDoubleBytes);
  return {{"NLL solver states and entropy-rate samples (likelihood.samples, entropy_rates.samples x d)", most}};
}

}  // namespace

Experiment likelihood_experiment(const toml::table& t, const std::string& source) {
  LikelihoodConfig c = parse_likelihood_config(t, source);
  std::vector<MemoryTerm> memory = memory_of(c);
  const std::string summary = fmt::format("likelihood, {} models", c.runs.size());
  return bind_experiment(std::move(c), "likelihood", summary, std::move(memory), probe, run_likelihood_experiment,
                         render_likelihood_report);
}

}  // namespace td
