// The "learning" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/learning/config.hpp"

namespace td {

const ExperimentKind& learning_kind() {
  static const ExperimentKind k = {
      .name = "learning",
      .summary = "learning dynamics of a U-Net (Ding, Quan & Tu Sec. 4.2)",
      .docs = "docs/taep.md#s2.6",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_learning_config(t, s); },
      .builtins = {{"learning", {"training.steps=60", "training.snapshots=3", "data.n=200", "unet.base=8", "unet.groups=4",
                                 "taep.trajectories=32", "grid.steps=20", "samples.n=32", "samples.steps=20",
                                 "curvature.covariance_batches=8", "curvature.hessian_batches=1"}, true}},
      .browser_cases = {{"learning", "learning --set data.n=64 --set unet.base=8 --set unet.groups=4 --set training.steps=40 "
                                     "--set training.batch=16 --set training.snapshots=2 --set taep.trajectories=16 "
                                     "--set grid.steps=10 --set samples.n=16 --set samples.steps=10 "
                                     "--set curvature.covariance_batches=4 --set curvature.hessian_batches=1"}},
      .results_version = 2,  // 2: time grids as the shared grid record (experiments/grid_config.hpp)
  };
  return k;
}

}  // namespace td
