// The "taep" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/taep/config.hpp"

namespace td {

const ExperimentKind& taep_kind() {
  static const ExperimentKind k = {
      .name = "taep",
      .summary = "trajectory entropy production of models against a target (Ding, Quan & Tu)",
      .docs = "docs/taep.md#s2",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_taep_config(t, s); },
      .builtins =
          {{"mode-collapse", {"sim.trajectories=2000", "grid.steps=200", "sim.objective_samples=100", "sim.exact_samples=20000",
                              "sim.generated_samples=100"}},
           {"collapse-alpha", {"sim.trajectories=1000", "grid.steps=100", "sim.objective_samples=50", "sim.exact_samples=5000",
                               "sim.generated_samples=100", "training.steps=300", "grid.refine=false"}, true},
           {"collapse-modes", {"sim.trajectories=1000", "grid.steps=100", "sim.objective_samples=50", "sim.exact_samples=5000",
                               "sim.generated_samples=100", "training.steps=200", "grid.refine=false"}, true},
           {"collapse-variance", {"sim.trajectories=1000", "grid.steps=100", "sim.objective_samples=50", "sim.exact_samples=5000",
                                  "sim.generated_samples=100", "training.steps=300", "grid.refine=false"}, true},
           {"fashion-mnist-taep", {"target.limit=40", "sim.trajectories=64", "grid.steps=20", "sim.objective_samples=8",
                                   "sim.exact_samples=64", "training.steps=40", "models.2.mlp.width=64", "grid.refine=false"}, true},
           {"mode-collapse-gpu", {"device=cpu", "sim.trajectories=2000", "grid.steps=200", "grid.refine=false",
                                  "sim.objective_samples=100", "sim.exact_samples=20000", "sim.generated_samples=100"}}},
      .browser_cases = {{"quickstart", "mode-collapse --set sim.trajectories=2000",
                         {"TAEP rate: x logarithmic, y logarithmic", "TAEP distributions: x linear, y logarithmic"}}},
      .results_version = 1,
  };
  return k;
}

}  // namespace td
