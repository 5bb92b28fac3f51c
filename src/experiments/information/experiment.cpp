// The "information" experiment bound for the program (experiments/experiment_list.hpp).
#include "experiments/information/run.hpp"
#include "experiments/models.hpp"
#include "experiments/registry.hpp"
#include "platform/platform.hpp"

namespace td {
namespace {

nlohmann::json probe(const InformationConfig& c) {
  return c.dataset ? check_models(c.models, *c.dataset, c.process, c.seed) : nlohmann::json::array();
}

// The dominant arrays of each section (docs/robustness.md#memory).
std::vector<MemoryTerm> memory_of(const InformationConfig& c) {
  const double d = c.dataset ? c.dataset->dim : 1, b = kDoubleBytes;
  std::vector<MemoryTerm> out;
  if (c.rates) out.push_back({"rate samples (rates.samples x d)", double(c.rates->samples) * d * 8 * b});
  if (c.pathwise)
    out.push_back({"pathwise samples and records (pathwise.samples, generative_samples x records)",
                   (double(c.pathwise->samples) * double(c.pathwise->nodes) +
                    double(c.pathwise->generative_samples) * double(c.pathwise->records)) * 2 * b});
  // On a device (the GPU) the cloning paths live in its memory (in chunks); the host keeps the outcomes.
  const bool gpu = platform_info(c.resolved["device"].value_or(std::string("cpu"))).ensembles_on_device;
  if (c.cloning)
    for (int dc : c.cloning->d)
      out.push_back({"cloning paths (cloning.samples x d)", gpu ? double(c.cloning->samples) * double(c.cloning->branch_times.size()) * 2
                                                                : double(c.cloning->samples) * dc * 4 * b});
  if (c.collapse) {
    for (int dc : c.collapse->d) out.push_back({"collapse training points (collapse.P x d)", double(c.collapse->P) * dc * 2 * b});
    out.push_back({"collapse per-sample values kept for the bootstrap (collapse.samples x nodes)",
                   double(c.collapse->samples) * double(c.collapse->nodes) * b});
  }
  return out;
}

}  // namespace

Experiment information_experiment(const toml::table& t, const std::string& source) {
  InformationConfig c = parse_information_config(t, source);
  std::vector<MemoryTerm> memory = memory_of(c);
  return bind_experiment(std::move(c), "information", "information dynamics", std::move(memory), probe, run_information_experiment,
                         render_information_report);
}

}  // namespace td
