// The fused cloning sample (sim/fused_cloning.hpp), the code the GPU runs one thread per sample,
// against observe/speciation.cpp's block path: the same identities and the same arithmetic, so every
// sample's main path and clones end in the same classes (Euler-Maruyama and Heun, the fine grid and
// the coupled coarse one of the dt error).
#include <cstdio>

#include "common.hpp"
#include "observe/speciation.hpp"
#include "process/grids.hpp"
#include "sim/fused_cloning_setup.hpp"

namespace td {

TEST(FusedCloning, EverySampleEndsInTheBlockPathsClasses) {
  const Process process{default_process(ProcessKind::OU)};
  const GaussianMixture data = symmetric_pair(24, 1.0, 1.0);
  const MixtureScore score(data, process);
  const TimeGrid grid = make_grid(process, {GridKind::LogSigma, 60});
  for (ReverseScheme scheme : {ReverseScheme::EulerMaruyama, ReverseScheme::Heun}) {
    CloningOptions o;
    o.samples = 300;
    o.branch_times = {0.3, 1.0, 2.0, grid.T()};
    o.seed = 4;
    o.scheme = scheme;
    o.dt_error = true;
    const CloningResult block = cloning_probability(data, process, score, grid, o);
    o.fused = [](const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) {
      fused_cloning_host(p, first, n, same, true);
    };
    const CloningResult fused = cloning_probability(data, process, score, grid, o);
    ASSERT_EQ(block.phi.size(), fused.phi.size());
    for (size_t b = 0; b < block.phi.size(); ++b) {
      std::printf("  %s t = %.3f: phi %.4f (block) %.4f (fused), phi_dt %+.4f %+.4f\n", reverse_scheme_name(scheme).c_str(),
                  block.t[b], block.phi[b], fused.phi[b], block.phi_dt[b], fused.phi_dt[b]);
      EXPECT_EQ(block.phi[b], fused.phi[b]);  // the same classes for every one of the samples
      EXPECT_EQ(block.phi_dt[b], fused.phi_dt[b]);
    }
  }
}

}  // namespace td
