// The "taep" experiment bound for the program (experiments/experiment_list.hpp).
#include <omp.h>

#include <fmt/format.h>

#include "experiments/models.hpp"
#include "experiments/registry.hpp"
#include "experiments/taep/run.hpp"

namespace td {
namespace {

// The dominant arrays of the run, from its config: per-trajectory values, stored samples and paths,
// per-thread working blocks (d doubles per point, a few copies each). An estimate within a small factor
// (docs/robustness.md#memory): enough to refuse a run that cannot fit before it starts, not a budget.
std::vector<MemoryTerm> memory_of(const TaepConfig& c) {
  const double d = c.data.dim, m = double(c.models.size()), threads = omp_get_max_threads(), b = kDoubleBytes;
  return {{"per-trajectory values (sim.trajectories x models)", double(c.trajectories) * 2 * m * 6 * b},
          {"DFT reverse paths (sim.dft_trajectories x models)",
           c.dft ? double(c.dft_trajectories ? c.dft_trajectories : c.trajectories) * m * 6 * b : 0},
          {"exact-reference samples (sim.exact_samples x d)", double(c.exact_samples) * d * 4 * b},
          {"generated samples (sim.generated_samples x d x models)", double(c.generated_samples) * d * (m + 1) * 2 * b},
          {"working blocks (sim.block x d per thread)", threads * double(c.block) * d * 40 * b}};
}

}  // namespace

Experiment taep_experiment(const toml::table& t, const std::string& source) {
  TaepConfig c = parse_taep_config(t, source);
  std::vector<MemoryTerm> memory = memory_of(c);
  const std::string summary = fmt::format("taep, {} models", c.models.size());
  auto probe = [](const TaepConfig& c) { return check_models(c.models, c.data, c.process, c.seed); };
  return bind_experiment(std::move(c), "taep", summary, std::move(memory), probe, run_taep_experiment, render_taep_report);
}

}  // namespace td
