// The "likelihood" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/likelihood/config.hpp"

namespace td {

const ExperimentKind& likelihood_kind() {
  static const ExperimentKind k = {
      .name = "likelihood",
      .summary = "NLL by the PF-ODE, entropy rates and the thermodynamic bound (Kodama & Hinczewski)",
      .docs = "docs/likelihood.md#s3",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_likelihood_config(t, s); },
      .builtins = {{"nll-bound", {"sweep.sigma=[10,30]", "training.steps=200", "likelihood.samples=32", "entropy_rates.nodes=20",
                                  "entropy_rates.samples=100"}, true},
                   {"fashion-mnist-nll", {"data.limit=400", "models.0.mlp.width=64", "models.0.training.steps=40",
                                          "likelihood.samples=8", "entropy_rates.nodes=6", "entropy_rates.samples=32"}, true}},
      .browser_cases = {{"likelihood",
                         "nll-bound --set sweep.sigma=[25] --set 'sweep.process=[\"ve\"]' --set 'sweep.data=[\"gaussian\"]' "
                         "--set images.side=2 --set training.steps=100 --set mlp.width=32 --set likelihood.samples=32 "
                         "--set entropy_rates.nodes=16 --set entropy_rates.samples=128"}},
      .results_version = 2,  // 2: time grids as the shared grid record (experiments/grid_config.hpp)
  };
  return k;
}

}  // namespace td
