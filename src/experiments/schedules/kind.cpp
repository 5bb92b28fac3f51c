// The "schedules" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/schedules/config.hpp"

namespace td {

const ExperimentKind& schedules_kind() {
  static const ExperimentKind k = {
      .name = "schedules",
      .summary = "sampling schedules of each model (entropic time, path-KL optimal, speciation-aware), exported and compared",
      .docs = "docs/schedules.md#s6",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_schedules_config(t, s); },
      .builtins = {{"schedules", {"schedules.levels=[5,8]", "schedules.samples=256", "schedules.batches=4", "training.steps=100",
                                  "schedules.path_kl_grid=24", "schedules.path_kl_paths=32", "schedules.entropic_nodes=8",
                                  "schedules.entropic_samples=32", "schedules.speciation_nodes=8", "schedules.speciation_samples=64"}, true},
                   {"fashion-mnist-schedules", {"data.limit=300", "schedules.levels=[5]", "schedules.samples=64", "schedules.batches=2",
                                                "training.steps=30", "mlp.width=64", "mlp.hidden=1", "schedules.path_kl_grid=8", "schedules.path_kl_paths=8",
                                                "schedules.entropic_nodes=6", "schedules.entropic_samples=16", "schedules.directions=8"}, true}},
      .browser_cases = {{"schedules", "schedules --set 'schedules.levels=[5,8]' --set schedules.samples=256 --set schedules.batches=4 "
                                      "--set training.steps=60 --set schedules.path_kl_grid=16 --set schedules.path_kl_paths=16 "
                                      "--set schedules.entropic_nodes=8 --set schedules.entropic_samples=16 "
                                      "--set schedules.speciation_nodes=8 --set schedules.speciation_samples=32"}},
      .results_version = 1,
  };
  return k;
}

}  // namespace td
