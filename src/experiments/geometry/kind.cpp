// The "geometry" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/geometry/config.hpp"
#include "experiments/kinds.hpp"

namespace td {

const ExperimentKind& geometry_kind() {
  static const ExperimentKind k = {
      .name = "geometry",
      .summary = "the geometry the score sees: Jacobian spectra along t, the entropy rate by eigenvalue band, local intrinsic dimension",
      .docs = "docs/geometry.md#s8",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_geometry_config(t, s); },
      .builtins = {{"geometry", {"training.steps=100", "geometry.nodes=3", "geometry.points=16", "geometry.dimension_points=16",
                                 "geometry.sigma_fractions=[0.03,0.3]"}, true},
                   {"fashion-mnist-geometry", {"data.limit=300", "training.steps=30", "mlp.width=64", "mlp.hidden=1", "geometry.nodes=2",
                                               "geometry.points=8", "geometry.dimension_points=16", "geometry.sigma_fractions=[0.1]",
                                               "geometry.steps=4"}, true}},
      .browser_cases = {{"geometry", "geometry --set training.steps=100 --set geometry.nodes=4 --set geometry.points=16 "
                                     "--set geometry.dimension_points=16 --set 'geometry.sigma_fractions=[0.03,0.3]'"}},
      .results_version = 1,
  };
  return k;
}

}  // namespace td
