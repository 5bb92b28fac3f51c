// The "information" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/information/config.hpp"
#include "experiments/kinds.hpp"

namespace td {

const ExperimentKind& information_kind() {
  static const ExperimentKind k = {
      .name = "information",
      .summary = "information dynamics of generation (Stancevic & Ambrogioni; Biroli et al.)",
      .docs = "docs/information.md#s5",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_information_config(t, s); },
      .builtins =
          {{"information-dynamics", {"rates.nodes=40", "rates.samples=1000", "fixed_points.nodes=100", "pathwise.nodes=30",
                                     "pathwise.samples=1000", "pathwise.generative_samples=500", "pathwise.steps=300",
                                     "pathwise.records=30", "pathwise.paths=2"}},
           {"speciation-scaling", {"speciation.d=[2,10,100,1000]", "speciation.nodes=100"}},
           {"dynamical-regimes", {"cloning.d=[64,256]", "cloning.samples=200", "cloning.steps=200", "collapse.d=[64,256]",
                                  "collapse.P=2000", "collapse.samples=64", "collapse.nodes=10"}},
           {"entropic-time", {"entropic_time.samples=2000"}},
           {"fashion-mnist-information", {"data.limit=30", "rates.nodes=6", "rates.samples=64", "pathwise.nodes=6",
                                          "pathwise.samples=64", "pathwise.generative_samples=32", "pathwise.steps=20",
                                          "pathwise.records=5", "models.0.mlp.width=64", "models.0.training.steps=40",
                                          "speciation_time.limit=2000"}, true},
           {"dynamical-regimes-gpu", {"device=cpu", "cloning.d=[64,128]", "cloning.samples=200", "cloning.steps=100",
                                      "collapse.d=[64]", "collapse.P=2000", "collapse.samples=64", "collapse.nodes=10"}}},
      .browser_cases =
          {{"information", "information-dynamics --set rates.samples=512 --set pathwise.samples=512 --set pathwise.generative_samples=512",
            {"Pathwise conditional entropy: x logarithmic"}},
           {"speciation", "speciation-scaling --set speciation.nodes=60"},
           {"regimes", "dynamical-regimes --set cloning.d=[16] --set cloning.samples=200 --set cloning.steps=200 "
                       "--set collapse.d=[32] --set collapse.P=200 --set collapse.nodes=8"},
           {"entropic", "entropic-time --set entropic_time.samples=2000"}},
      .results_version = 2,  // 2: time grids as the shared grid record (experiments/grid_config.hpp)
  };
  return k;
}

}  // namespace td
