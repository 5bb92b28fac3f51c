// The "nonequilibrium" experiment bound for the program (experiments/experiment_list.hpp).
#include "experiments/nonequilibrium/run.hpp"
#include "experiments/registry.hpp"

namespace td {
namespace {

// The dominant arrays of each section (docs/robustness.md#memory).
std::vector<MemoryTerm> memory_of(const NonequilibriumConfig& c) {
  const double b = kDoubleBytes;
  std::vector<MemoryTerm> out;
  if (c.ift) out.push_back({"per-trajectory values (ift.trajectories x 2 directions)", double(c.ift->trajectories) * 2 * 8 * b});
  if (c.flow) out.push_back({"flow samples (flow.samples)", double(c.flow->samples) * double(c.flow->data.d) * 4 * b});
  if (c.franz_parisi) out.push_back({"Franz-Parisi pairs (franz_parisi.pairs)", double(c.franz_parisi->pairs) * 4 * b});
  return out;
}

}  // namespace

Experiment nonequilibrium_experiment(const toml::table& t, const std::string& source) {
  NonequilibriumConfig c = parse_nonequilibrium_config(t, source);
  std::vector<MemoryTerm> memory = memory_of(c);
  return bind_experiment(std::move(c), "nonequilibrium", "nonequilibrium physics (Yu & Huang)", std::move(memory),
                         no_models<NonequilibriumConfig>, run_nonequilibrium_experiment, render_nonequilibrium_report);
}

}  // namespace td
