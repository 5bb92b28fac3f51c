// The "nonequilibrium" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/nonequilibrium/config.hpp"

namespace td {

const ExperimentKind& nonequilibrium_kind() {
  static const ExperimentKind k = {
      .name = "nonequilibrium",
      .summary = "nonequilibrium physics of the forward and reverse processes (Yu & Huang)",
      .docs = "docs/nonequilibrium.md#s4",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_nonequilibrium_config(t, s); },
      .builtins = {{"nonequilibrium", {"ift.trajectories=2000", "flow.samples=2000", "franz_parisi.pairs=10000"}}},
      .browser_cases = {{"nonequilibrium", "nonequilibrium --set ift.trajectories=1000 --set franz_parisi.pairs=2000 "
                                           "--set franz_parisi.nq=100 --set franz_parisi.P=100 --set franz_parisi.samples=100"}},
      .results_version = 2,  // 2: time grids as the shared grid record (experiments/grid_config.hpp)
  };
  return k;
}

}  // namespace td
