// Entropy rates and the likelihood bound (FORMULAS §3) against exact identities: S_e = -2 S_i for
// the exact VE score, the Jacobian-free exchange estimator against the divergence one, the
// intrinsic rate of Gaussian data in closed form, and bound = S0 with the exact score.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/entropy_rates.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

DataFn mixture_data(const GaussianMixture& g, uint64_t seed) {
  return [g, seed](const uint64_t* ids, int n, Mat& X) { sample_mixture(g, {seed, Stream::User}, ids, n, 0, X); };
}

// With the exact score, E div s = -E|s|^2 (integration by parts), so on a VE process (no drift)
// S_e = -2 S_i; and the Jacobian-free estimator E[s . z]/sigma agrees with the divergence one.
TEST(EntropyRates, ExactVeScoreHasExchangeMinusTwiceIntrinsic) {
  const Process p(default_process(ProcessKind::VE));
  const GaussianMixture g = test::two_modes();
  const MixtureScore s(g, p);
  EntropyRateOptions o;
  o.nodes = 40;
  o.samples = 4000;
  o.seed = 31;
  test::print_seed(o.seed);
  const EntropyRates r = entropy_rates(p, s, mixture_data(g, 32), o);
  const Estimate ie = r.exchange.integral, ii = r.intrinsic.integral, iz = r.exchange_z.integral;
  std::printf("int S_e = %.4f +- %.4f, int S_e(z) = %.4f +- %.4f, -2 int S_i = %.4f +- %.4f\n", ie.value, ie.se,
              iz.value, iz.se, -2 * ii.value, 2 * ii.se);
  // SEs of correlated estimates combined by the triangle inequality (conservative).
  EXPECT_LT(std::abs(ie.value + 2 * ii.value), 4 * (ie.se + 2 * ii.se));
  EXPECT_LT(std::abs(iz.value - ie.value), 4 * (iz.se + ie.se));
  int bad = 0;
  for (size_t k = 0; k < r.t.size(); ++k)
    bad += std::abs(r.exchange.value[k] + 2 * r.intrinsic.value[k]) > 4 * (r.exchange.se[k] + 2 * r.intrinsic.se[k]);
  EXPECT_EQ(bad, 0) << "nodes where S_e != -2 S_i beyond 4 SE";
}

// Gaussian data N(m, cI): S_i = (g^2/2) d / v_t; with the exact score and S1 = H(p_T), the bound
// (S0 + S1)/2 - 1/2 int S_fwd equals S0 = H(p_t_min), for VE (S_fwd = S_i) and VP (d a(t) + S_i).
TEST(EntropyRates, GaussianIntrinsicRateAndBoundEqualsDataEntropy) {
  for (ProcessKind kind : {ProcessKind::VE, ProcessKind::VP}) {
    const Process p(default_process(kind));
    const int d = 3;
    GaussianMixture g;
    g.weights = Vec::Ones(1);
    g.means = Mat::Zero(1, d);
    g.means(0, 0) = 1.5;
    g.vars = Mat::Constant(1, d, 0.4);
    const MixtureScore s(g, p);
    EntropyRateOptions o;
    o.nodes = 120;
    o.samples = 2000;
    o.seed = 33;
    test::print_seed(o.seed);
    const EntropyRates r = entropy_rates(p, s, mixture_data(g, 34), o);
    auto v = [&](double t) { return p.alpha(t) * p.alpha(t) * 0.4 + p.sigma2(t); };
    int bad = 0;
    double quad = 0;  // the trapezoid rule on the same nodes applied to the closed-form rate
    for (size_t k = 0; k < r.t.size(); ++k) {
      const double exact = 0.5 * p.g2(r.t[k]) * d / v(r.t[k]);
      bad += std::abs(r.intrinsic.value[k] - exact) > 4 * r.intrinsic.se[k];
      if (k + 1 < r.t.size()) {
        const double e1 = 0.5 * p.g2(r.t[k + 1]) * d / v(r.t[k + 1]) + d * p.drift_coef(r.t[k + 1]);
        const double e0 = exact + d * p.drift_coef(r.t[k]);
        quad += 0.5 * (r.t[k + 1] - r.t[k]) * (e0 + e1);
      }
    }
    EXPECT_EQ(bad, 0) << "nodes where S_i misses (g^2/2) d / v_t by more than 4 SE";
    const double S0 = 0.5 * d * std::log(2 * M_PI * M_E * v(p.t_min())), S1 = 0.5 * d * std::log(2 * M_PI * M_E * v(p.T()));
    const double quad_err = std::abs(quad - (S1 - S0));  // int S_fwd = H(p_T) - H(p_t_min) exactly
    const LikelihoodBound b = likelihood_bound(S0, S1, r.forward.integral);
    std::printf("%s: bound %.5f +- %.5f, S0 %.5f (quadrature error %.2e)\n", process_kind_name(kind).c_str(),
                b.bound.value, b.bound.se, S0, quad_err);
    EXPECT_LT(std::abs(b.bound.value - S0), 4 * b.bound.se + 0.5 * quad_err + 1e-12);
    EXPECT_LT(quad_err, 1e-3);
  }
}

TEST(EntropyRates, BadGridIsAnInputError) {
  const Process p(default_process(ProcessKind::VE));
  const MixtureScore s(test::two_modes(), p);
  EntropyRateOptions o;
  o.nodes = 1;
  EXPECT_THROW(entropy_rates(p, s, mixture_data(test::two_modes(), 1), o), InputError);
}

}  // namespace
}  // namespace td
