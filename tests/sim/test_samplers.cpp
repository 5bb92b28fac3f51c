#include "common.hpp"
#include "core/stats.hpp"

namespace td {

// PF-ODE for Gaussian data N(0, c I): the exact flow is x_t = sqrt(v_t / v_T) x_T, v = alpha^2 c + sigma^2.
// RK4 must converge at order 4.
TEST(Samplers, ProbabilityFlowRk4ConvergesAtOrderFour) {
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture g = test::isotropic_gaussian(2, 0.5);
  const MixtureScore s(g, p);
  auto v = [&](double t) { return p.alpha(t) * p.alpha(t) * 0.5 + p.sigma2(t); };
  const InitFn init = prior_init(p, 2, {3, Stream::Prior});
  std::vector<double> errs;
  std::vector<int> steps = {20, 40, 80, 160};
  Mat X0;
  init(std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}.data(), 8, X0);
  const Mat exact = std::sqrt(v(p.t_min()) / v(p.T())) * X0.topRows(8);
  for (int n : steps) {
    const Mat Y = sample_pf_ode_rk4(p, {p.t_min(), p.T(), n}, s, {8, 8}, init);
    errs.push_back((Y - exact).cwiseAbs().maxCoeff());
  }
  for (size_t i = 1; i < errs.size(); ++i) {
    const double order = std::log2(errs[i - 1] / errs[i]);
    std::cout << "  steps " << steps[i] << ": error " << errs[i] << ", observed order " << order << std::endl;
    EXPECT_NEAR(order, 4.0, 0.5);
  }
}

// Reverse SDE with an exact collapse score reproduces the model's mode weights.
TEST(Samplers, ReverseSdeReproducesModeWeights) {
  const uint64_t seed = 23;
  test::print_seed(seed);
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture q = test::collapse_ring(8, 2.0, 0.1, 1, 0.25);
  const MixtureScore s(q, p);
  const int64_t n = 20000;
  const Mat Y = sample_reverse_sde(p, {p.t_min(), p.T(), 500}, s, {n, 256}, prior_init(p, 2, {seed, Stream::Prior}),
                                   PhiloxNoise({seed, Stream::Reverse}));
  std::vector<double> count(8, 0);
  for (int64_t i = 0; i < n; ++i) {
    int best = 0;
    for (int k = 1; k < 8; ++k)
      if ((Y.row(i) - q.means.row(k)).squaredNorm() < (Y.row(i) - q.means.row(best)).squaredNorm()) best = k;
    count[best] += 1;
  }
  for (int k = 0; k < 8; ++k) {
    const double f = count[k] / n, w = q.weights[k];
    EXPECT_NEAR(f, w, 4 * std::sqrt(w * (1 - w) / n)) << "mode " << k;
  }
}

}  // namespace td
