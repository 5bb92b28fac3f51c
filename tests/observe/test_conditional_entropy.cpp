// Conditional entropy rates (FORMULAS §5.1): the estimators against each other and against the
// Gaussian and two-delta closed forms, the marginal + conditional identity, the Jacobian spectrum
// against the divergence, and the posterior quantities against brute force.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "data/mixture_posterior.hpp"
#include "observe/conditional_entropy.hpp"
#include "score/mixture_kernels.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

GaussianMixture deltas(const std::vector<double>& y) {  // equal-weight points on a line
  return test::delta_mixture(Eigen::Map<const Vec>(y.data(), Eigen::Index(y.size())));
}

// |estimate - exact| in units of the estimate's SE, worst node.
// Nodes where every sample gives the same value (SE 0) are compared to rounding (1e-9 of the curve).
double worst_z(const RateCurve& c, const std::vector<double>& exact, size_t first = 0) {
  double scale = 0, z = 0;
  for (double e : exact) scale = std::max(scale, std::abs(e));
  for (size_t k = first; k < exact.size(); ++k) {
    const double zk = std::abs(c.value[k] - exact[k]) / (c.se[k] + 1e-9 * scale);
    if (zk > 4.5) std::printf("  node %zu: %.6g +- %.3g, exact %.6g\n", k, c.value[k], c.se[k], exact[k]);
    z = std::max(z, zk);
  }
  return z;
}

TEST(Quadrature, GaussHermiteIntegratesNormalMoments) {
  const GaussRule& r = gauss_hermite(20);
  double m0 = 0, m2 = 0, m4 = 0, m6 = 0;
  for (size_t i = 0; i < r.x.size(); ++i) {
    const double x2 = r.x[i] * r.x[i];
    m0 += r.w[i], m2 += r.w[i] * x2, m4 += r.w[i] * x2 * x2, m6 += r.w[i] * x2 * x2 * x2;
  }
  EXPECT_NEAR(m0, 1, 1e-13);
  EXPECT_NEAR(m2, 1, 1e-12);
  EXPECT_NEAR(m4, 3, 1e-11);
  EXPECT_NEAR(m6, 15, 1e-10);
  EXPECT_THROW(gauss_hermite(0), InputError);
}

// Gaussian data N(0, h^2 I): dH/dt = 1/2 d nu^2 h^2 / (s~^2 (s~^2 + h^2)), nu^2 = g^2/alpha^2. The
// posterior variance is deterministic (exact to rounding); the sampled estimators within 4.5 SE at
// every node, and the Hutchinson divergence too.
TEST(ConditionalEntropy, GaussianDataClosedForm) {
  const int d = 3;
  const double h2 = 0.7;
  for (ProcessKind kind : {ProcessKind::VP, ProcessKind::VE}) {
    const Process p(default_process(kind));
    const GaussianMixture g = test::isotropic_gaussian(d, h2);
    const MixtureScore s(g, p);
    ConditionalEntropyOptions o;
    o.nodes = 24;
    o.samples = 4000;
    o.seed = 51;
    test::print_seed(o.seed);
    const ConditionalEntropyRates r = conditional_entropy_rates(p, s, mixture_data(g, {52, Stream::User}), o, &g);
    std::vector<double> exact;
    for (size_t k = 0; k < r.t.size(); ++k) {
      const double t = r.t[k], a = p.alpha(t), st2 = p.sigma2(t) / (a * a), nu2 = p.g2(t) / (a * a);
      exact.push_back(0.5 * d * nu2 * h2 / (st2 * (st2 + h2)));
      EXPECT_NEAR(r.posterior_var.value[k], exact.back(), 1e-9 * exact.back()) << "t = " << t;
    }
    std::printf("%s: worst |z| score norm %.2f, divergence %.2f, x0 error %.2f\n", process_kind_name(kind).c_str(),
                worst_z(r.score_norm, exact), worst_z(r.divergence, exact), worst_z(r.x0_error, exact));
    EXPECT_LT(worst_z(r.score_norm, exact), 4.5);
    EXPECT_LT(worst_z(r.divergence, exact), 4.5);
    EXPECT_LT(worst_z(r.x0_error, exact), 4.5);
    o.hutchinson_probes = 2;
    const ConditionalEntropyRates rh = conditional_entropy_rates(p, s, mixture_data(g, {52, Stream::User}), o);
    EXPECT_LT(worst_z(rh.divergence, exact), 4.5);
    EXPECT_TRUE(rh.posterior_var.value.empty());
  }
}

// Two deltas at +-1 on VE: every estimator against the closed-form slope at each node, the
// integral against the trapezoid of the closed form within 4 SE, and that against
// H(T) - H(t_min) ~ ln 2 (the rise from a known point to a coin flip).
TEST(ConditionalEntropy, TwoDeltasRiseByLn2) {
  const Process p(default_process(ProcessKind::VE));
  const GaussianMixture g = deltas({-1.0, 1.0});
  const MixtureScore s(g, p);
  ConditionalEntropyOptions o;
  o.nodes = 120;
  o.samples = 8000;
  o.seed = 53;
  test::print_seed(o.seed);
  const ConditionalEntropyRates r = conditional_entropy_rates(p, s, mixture_data(g, {54, Stream::User}), o, &g);
  std::vector<double> exact;
  for (size_t k = 0; k < r.t.size(); ++k) {
    const double t = r.t[k];  // VE: alpha = 1, d ln sigma / dt = g^2 / (2 sigma^2)
    exact.push_back(two_delta_entropy_slope(1.0, p.sigma(t)) * p.g2(t) / (2 * p.sigma2(t)));
  }
  // Per node only where the rate is not carried by rare samples: for sigma << 1 it comes from
  // x near 0, probability ~ exp(-1/(2 sigma^2)), which 8000 samples do not see (their SE is then
  // no guide). Those nodes hold H(sigma = 0.5) ~ 0.04 of the integral, which is compared whole.
  size_t first = 0;
  while (p.sigma(r.t[first]) < 0.5) ++first;
  const std::vector<double> w = trapezoid_weights(r.t);
  double trap = 0;
  for (size_t k = 0; k < w.size(); ++k) trap += w[k] * exact[k];
  const double rise = two_delta_entropy(1.0, p.sigma(p.T())) - two_delta_entropy(1.0, p.sigma(p.t_min()));
  std::printf("int dH: score norm %.4f +- %.4f, divergence %.4f +- %.4f, posterior var %.4f +- %.4f, "
              "closed-form trapezoid %.4f, H(T) - H(t_min) %.5f, ln 2 = %.5f\n",
              r.score_norm.integral.value, r.score_norm.integral.se, r.divergence.integral.value,
              r.divergence.integral.se, r.posterior_var.integral.value, r.posterior_var.integral.se, trap, rise,
              std::log(2.0));
  for (const RateCurve* c : {&r.score_norm, &r.divergence, &r.posterior_var, &r.x0_error}) {
    EXPECT_LT(worst_z(*c, exact, first), 4.5);
    EXPECT_LT(std::abs(c->integral.value - trap), 4 * c->integral.se);
  }
  EXPECT_NEAR(trap, rise, 0.01);
  EXPECT_NEAR(rise, std::log(2.0), 1e-3);
  // The closed-form slope is the derivative of the closed-form entropy (central difference in ln sigma).
  for (double sg : {0.3, 1.0, 3.0}) {
    const double e = 1e-3;
    const double fd = (two_delta_entropy(1.0, sg * std::exp(e)) - two_delta_entropy(1.0, sg * std::exp(-e))) / (2 * e);
    EXPECT_NEAR(two_delta_entropy_slope(1.0, sg), fd, 1e-6) << "sigma " << sg;
  }
}

// dH[x_t]/dt + dH[y|x_t]/dt = g^2 d / (2 sigma^2), with the conditional rate from the score norm
// and the marginal from the divergence (independent estimators, equal only in expectation); the
// Jacobian spectrum sums to the divergence of the same points; the Fisher trace is
// d/s~^2 + alpha^2 E div s.
TEST(ConditionalEntropy, MarginalPlusConditionalIsTotalAndSpectrumSumsToDivergence) {
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture g = test::two_modes();
  const MixtureScore s(g, p);
  ConditionalEntropyOptions o;
  o.nodes = 16;
  o.samples = 512;
  o.spectrum_samples = 512;
  o.seed = 55;
  test::print_seed(o.seed);
  const ConditionalEntropyRates r = conditional_entropy_rates(p, s, mixture_data(g, {56, Stream::User}), o, &g);
  for (size_t k = 0; k < r.t.size(); ++k) {
    const double sum = r.marginal.value[k] + r.score_norm.value[k];
    EXPECT_LT(std::abs(sum - r.total[k]), 4 * (r.marginal.se[k] + r.score_norm.se[k])) << "t = " << r.t[k];
    EXPECT_NEAR(r.spectrum.row(Eigen::Index(k)).sum(), r.div[k], 1e-9 * std::abs(r.div[k]));
    EXPECT_LE(r.spectrum(Eigen::Index(k), 0), r.spectrum(Eigen::Index(k), 1));
    const double a = p.alpha(r.t[k]);
    EXPECT_NEAR(r.fisher_trace[k], 2 * a * a / p.sigma2(r.t[k]) + a * a * r.div[k], 1e-9 * std::abs(r.fisher_trace[k]));
  }
}

// Posterior moments and entropies against brute force: the 1-D quadrature entropy against a fine
// Riemann sum of -q ln q, the chain rule equal to it for well-separated components, posterior mean
// by Tweedie's formula x + sigma^2 s (over alpha).
TEST(MixturePosterior, AgreesWithBruteForce) {
  GaussianMixture g;
  g.weights = Vec(3);
  g.weights << 0.2, 0.5, 0.3;
  g.means = Mat(3, 1);
  g.means << -2.0, 0.5, 3.0;
  g.vars = Mat(3, 1);
  g.vars << 0.3, 0.8, 0.1;
  const Kernel k{0.8, 0.5};
  Mat X(4, 1);
  X << -1.7, 0.0, 0.9, 2.6;
  Vec h, trv;
  Mat mean;
  posterior_entropy(g, k, X, h);
  posterior_moments(g, k, X, &mean, &trv);
  const Process p(default_process(ProcessKind::VP));
  for (int i = 0; i < X.rows(); ++i) {
    // Brute force on a grid: q(y) ∝ p_0(y) N(x; alpha y, sigma^2).
    const int m = 200000;
    const double lo = -8, hi = 8, dy = (hi - lo) / m;
    std::vector<double> q(static_cast<size_t>(m));
    double z = 0;
    for (int j = 0; j < m; ++j) {
      const double y = lo + (j + 0.5) * dy;
      double p0 = 0;
      for (int c = 0; c < 3; ++c)
        p0 += g.weights[c] * std::exp(-0.5 * std::pow(y - g.means(c, 0), 2) / g.vars(c, 0)) / std::sqrt(2 * M_PI * g.vars(c, 0));
      q[size_t(j)] = p0 * std::exp(-0.5 * std::pow(X(i, 0) - k.alpha * y, 2) / k.sigma2);
      z += q[size_t(j)] * dy;
    }
    double H = 0, m1 = 0, m2 = 0;
    for (int j = 0; j < m; ++j) {
      const double y = lo + (j + 0.5) * dy, qq = q[size_t(j)] / z;
      if (qq > 0) H -= qq * std::log(qq) * dy;
      m1 += qq * y * dy, m2 += qq * y * y * dy;
    }
    EXPECT_NEAR(h[i], H, 1e-7) << "x = " << X(i, 0);
    EXPECT_NEAR(mean(i, 0), m1, 1e-8);
    EXPECT_NEAR(trv[i], m2 - m1 * m1, 1e-8);
  }
  // Well separated (means +-20, alpha 1): chain rule = quadrature.
  GaussianMixture w;
  w.weights = Vec::Constant(2, 0.5);
  w.means = Mat(2, 1);
  w.means << -20.0, 20.0;
  w.vars = Mat::Ones(2, 1);
  Vec hq, hc;
  Mat Y(3, 1);
  Y << -1.0, 0.3, 4.0;
  posterior_entropy(w, {1.0, 9.0}, Y, hq);
  EXPECT_EQ(posterior_entropy_rule(w), PosteriorEntropyRule::Quadrature1D);
  GaussianMixture w2 = w;  // the same data in 2-D (second coordinate a shared N(0,1)) uses the chain rule
  w2.means.conservativeResize(2, 2);
  w2.means.col(1).setZero();
  w2.vars = Mat::Ones(2, 2);
  Mat Y2 = Mat::Zero(3, 2);
  Y2.col(0) = Y;
  posterior_entropy(w2, {1.0, 9.0}, Y2, hc);
  const double h1 = 0.5 * std::log(2 * M_PI * M_E * 9.0 / 10.0);  // the second coordinate's posterior
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(hc[i] - h1, hq[i], 1e-9);
  // Tweedie: E[x_0|x] = (x + sigma^2 s)/alpha for the exact score of the marginal.
  const Mat P = test::points(16, 2, 57);
  const GaussianMixture g2 = test::two_modes();
  const Kernel k2{0.6, 0.64};
  Mat M2, S;
  posterior_moments(g2, k2, P, &M2, nullptr);
  mixture_eval_reference(g2.marginal(k2.alpha, k2.sigma2), P, &S, nullptr, nullptr);
  EXPECT_LT(((P + k2.sigma2 * S) / k2.alpha - M2).norm(), 1e-12 * M2.norm());
  GaussianMixture mixed = deltas({0.0, 1.0});
  mixed.vars(1, 0) = 0.5;
  EXPECT_THROW(posterior_entropy_rule(mixed), InputError);
}

}  // namespace
}  // namespace td
