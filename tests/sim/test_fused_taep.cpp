// The fused TAEP trajectory (sim/fused_taep.hpp), the code every platform launches (the GPU's too),
// against run_taep's block path per trajectory: the same identities and the same arithmetic, so the
// two agree to the last bits of the normals' libm (vector log/cos in the block path, scalar here).
#include <cstdio>

#include "common.hpp"
#include "observe/taep.hpp"
#include "process/grids.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {

// max_i |a_i - b_i| / max(1, rms a): relative to the values' scale.
double max_rel(const std::vector<double>& a, const double* b) {
  double s = 0, m = 0;
  for (double v : a) s += v * v;
  const double scale = std::max(1.0, std::sqrt(s / double(a.size())));
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]) / scale);
  return m;
}

void check(ProcessKind kind, int d) {
  const Process process{default_process(kind)};
  const TimeGrid grid = make_grid(process, {GridKind::LogSigma, 40});
  GaussianMixture target = ring_mixture(8, 2.0, 0.3, d);
  GaussianMixture reweighted = test::collapse_ring(8, 2.0, 0.3, 2, 0.4);
  if (d > 2) reweighted = ring_mixture(8, 2.0, 0.3, d), reweighted.weights = collapse_weights(8, 2, 0.4);
  GaussianMixture broad = target;
  broad.vars *= 1.3;
  const uint64_t seed = 11;
  const int n = 48;
  const MixtureScore ts(target, process), m1(reweighted, process), m2(broad, process);
  const auto block = run_taep(process, grid, ts, {&m1, &m2}, {n, 16}, test::init_at(target, process, grid.t_min(), {seed, Stream::Init}),
                              PhiloxNoise({seed, Stream::Forward}));
  const FusedTaepSetup setup(process, grid, target, {reweighted, broad}, {seed, Stream::Init}, {seed, Stream::Forward});
  FusedTaepResults fused;
  fused.resize(2, n);
  fused_taep_host(setup.problem(), 0, n, fused.out(), true);
  for (int m = 0; m < 2; ++m) {
    const size_t o = size_t(m) * n;
    const double ek = max_rel(block[m].kernel, fused.kernel.data() + o), en = max_rel(block[m].noise, fused.noise.data() + o),
                 ec = max_rel(block[m].sigma_coarse, fused.coarse.data() + o), ee = max_rel(block[m].exact, fused.exact.data() + o);
    std::printf("  %s d = %d model %d: kernel %.1e, noise %.1e, coarse %.1e, exact %.1e (sigma[0] = %.6f)\n",
                process_kind_name(kind).c_str(), d, m, ek, en, ec, ee, block[m].sigma[0]);
    EXPECT_LE(std::max({ek, en, ec, ee}), 1e-12) << process_kind_name(kind) << " model " << m;
  }
}

}  // namespace

TEST(FusedTaep, EveryTrajectoryEqualsTheBlockPath) {
  check(ProcessKind::VP, 2);
  check(ProcessKind::VE, 2);
  check(ProcessKind::EDM, 5);
}

}  // namespace td
