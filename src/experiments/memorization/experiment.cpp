// The "memorization" experiment bound for the program (experiments/experiment_list.hpp).
#include <fmt/format.h>

#include "experiments/memorization/run.hpp"
#include "experiments/registry.hpp"

namespace td {

Experiment memorization_experiment(const toml::table& t, const std::string& source) {
  MemorizationConfig c = parse_memorization_config(t, source);
  const double d = c.data->dim;
  std::vector<MemoryTerm> memory = {
      {"the largest training set and the held-out rows (memorization.sizes, memorization.held_out x d)",
       (double(c.sizes.back()) + c.held_out) * d * kDoubleBytes},
      {"samples and their neighbour search (memorization.samples x d, x 4)", 4.0 * c.samples * d * kDoubleBytes}};
  const std::string summary = fmt::format("memorization, {} training-set sizes ({} .. {})", c.sizes.size(), c.sizes.front(), c.sizes.back());
  return bind_experiment(std::move(c), "memorization", summary, std::move(memory), no_models<MemorizationConfig>,
                         run_memorization_experiment, render_memorization_report);
}

}  // namespace td
