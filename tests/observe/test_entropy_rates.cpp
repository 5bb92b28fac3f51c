// Entropy rates and the likelihood bound (FORMULAS §3) against exact identities: S_e = -2 S_i for
// the exact VE score, the Jacobian-free exchange estimator against the divergence one, the
// intrinsic rate of Gaussian data in closed form, bound = S0 with the exact score, and the gap's
// decomposition for s_theta = (1 + eps) s.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/likelihood.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"

namespace td {
namespace {

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
  const EntropyRates r = entropy_rates(p, s, mixture_data(g, {32, Stream::User}), o);
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
    const EntropyRates r = entropy_rates(p, s, mixture_data(g, {34, Stream::User}), o);
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

// The quadrature error of a rate integral: the trapezoid rule is second order, so (I on every other
// node - I) / 3 is the leading error of I. On each process's default grid, with the closed-form
// intrinsic rate of Gaussian data (no sampling noise), the estimate matches the true error within
// 25% and the error falls as nodes^-2 (fitted order).
TEST(EntropyRates, QuadratureErrorIsEstimatedFromEveryOtherNode) {
  for (ProcessKind kind : {ProcessKind::VE, ProcessKind::VP, ProcessKind::OU, ProcessKind::EDM}) {
    const Process p(default_process(kind));
    const double c = 0.09;  // data variance
    auto rate = [&](double t) { return 0.5 * p.g2(t) / (p.alpha(t) * p.alpha(t) * c + p.sigma2(t)); };
    // int g^2 / (2 v_t) dt with v_t = alpha^2 c + sigma^2 and dv/dt = 2 f v + g^2 (f the drift
    // coefficient): 1/2 ln(v_T / v_0) - int f dt = 1/2 ln(v_T/v_0) + ln(alpha_0/alpha_T).
    auto v = [&](double t) { return p.alpha(t) * p.alpha(t) * c + p.sigma2(t); };
    const double exact = 0.5 * std::log(v(p.T()) / v(p.t_min())) + std::log(p.alpha(p.t_min()) / p.alpha(p.T()));
    double err[2];
    for (int i = 0; i < 2; ++i) {
      const int nodes = 40 * (1 << i) + 1;
      RateCurve r;
      r.value.clear();
      const GridSpec g = default_grid(kind, nodes - 1, p.t_min());
      const std::vector<double> t = rate_nodes(p, g.kind, g.rho, nodes, p.t_min(), p.T());
      for (double x : t) r.value.push_back(rate(x)), r.se.push_back(0.0);
      integrate(r, t);
      err[i] = r.integral.value - exact;
      std::printf("%s, %s grid, %d nodes: I = %.6f, exact %.6f, error %+.3e, estimated %+.3e\n", process_kind_name(kind).c_str(),
                  grid_kind_name(g.kind).c_str(), nodes, r.integral.value, exact, err[i], r.integral_dt);
      EXPECT_NEAR(r.integral_dt, err[i], 0.25 * std::abs(err[i]));
    }
    const double order = std::log2(err[0] / err[1]);
    std::printf("  fitted order %.2f\n", order);
    EXPECT_NEAR(order, 2.0, 0.3);
  }
}

// Gaussian data N(0, cI) on VE, model s_theta = (1 + eps) s (every quantity in closed form, with
// r = v_T / v_0, v_t = c + sigma_t^2, prior pi = p_T, so CE1 - S1 = 0):
//   score-error term 1/4 int g^2 E|s_theta - s|^2 = eps^2 (d/4) ln r      (the eps^2 FORMULAS predicts)
//   PF-ODE: x_T = r^((1+eps)/2) x_0, NLL - S0 = (d/2)(r^eps - 1 - eps ln r) = d eps^2 ln^2 r / 4 + O(eps^3)
//   bound = S0 - (2 eps + eps^2)(d/4) ln r                                 (linear in eps)
// so the gap is the score-error term plus a plug-in residual that is linear in eps, and for small
// eps < 0 the NLL lies below the "bound": it is a bound only in the plug-in convention.
TEST(EntropyRates, ScaledScoreGapDecomposition) {
  const Process p(default_process(ProcessKind::VE));
  const int d = 2;
  const double c = 0.5, v0 = c + p.sigma2(p.t_min()), vT = c + p.sigma2(p.T()), lr = std::log(vT / v0);
  GaussianMixture g;
  g.weights = Vec::Ones(1);
  g.means = Mat::Zero(1, d);
  g.vars = Mat::Constant(1, d, c);
  const auto exact = std::make_shared<MixtureScore>(g, p);
  const double S0 = 0.5 * d * std::log(2 * M_PI * M_E * v0), S1 = 0.5 * d * std::log(2 * M_PI * M_E * vT);
  // Samples of p_{t_min}, rescaled to second moment exactly d v0: the NLL depends on x_0 only through
  // |x_0|^2 (linearly), so their mean NLL is the population's and NLL(0) = S0.
  Mat X0 = test::points(400, d, 41);
  X0 *= std::sqrt(d * v0 * X0.rows() / X0.squaredNorm());
  const LogPriorFn prior = [&](const Mat& XT, Vec& lp) {
    lp = ((-0.5 / vT) * XT.rowwise().squaredNorm()).array() - 0.5 * d * std::log(2 * M_PI * vT);
  };
  EntropyRateOptions o;
  o.nodes = 200;
  o.samples = 2000;
  o.seed = 42;
  test::print_seed(o.seed);
  std::vector<double> eps_err = {0.05, 0.1, 0.2, 0.4}, eps_nll = {0.005, 0.01, 0.02}, err_term, nll_excess;
  double nll0 = 0;
  for (double e : {0.0, -0.1, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4}) {
    const PerturbedScore model(exact, PerturbKind::Scale, e);
    const EntropyRates r = entropy_rates(p, model, mixture_data(g, {43, Stream::User}), o, exact.get());
    // The trapezoid rule on the same nodes applied to the closed-form rates (the quadrature reference).
    double q_err = 0, q_fwd = 0;
    for (size_t k = 0; k + 1 < r.t.size(); ++k) {
      auto rate = [&](double t) { return p.g2(t) * d / (c + p.sigma2(t)); };
      const double h = r.t[k + 1] - r.t[k], avg = 0.5 * (rate(r.t[k]) + rate(r.t[k + 1]));
      q_err += h * 0.25 * e * e * avg;
      q_fwd += h * 0.5 * (1 + e) * (1 + e) * avg;
    }
    const Estimate se = r.score_error.integral;
    const LikelihoodBound b = likelihood_bound(S0, S1, r.forward.integral);
    NllOptions no;
    no.rtol = no.atol = 1e-8;
    const NllResult nr = pf_ode_nll(p, model, X0, no, prior);
    const double k = std::pow(vT / v0, 0.5 * (1 + e));
    Vec lp;
    prior(X0 * k, lp);
    const double nll = nr.nll.mean(), nll_ref = -(lp.array() + d * std::log(k)).mean();
    const GapDecomposition gd = decompose_gap(nll, b, 0.0, se);  // pi = p_T: CE1 - S1 = 0
    std::printf("eps %+.3f: NLL - S0 %.5f (closed form %.5f); bound - S0 %+.4f +- %.4f (closed form %+.4f); "
                "gap %.4f = prior %.1e + score error %.5f +- %.5f (closed form %.5f) + residual %.4f\n",
                e, nll - S0, nll_ref - S0, b.bound.value - S0, b.bound.se, -0.5 * q_fwd + 0.25 * d * lr, gd.gap, gd.prior,
                se.value, se.se, q_err, gd.residual);
    EXPECT_LT(std::abs(nll - nll_ref), 1e-5);
    EXPECT_LT(std::abs(se.value - q_err), 4 * se.se + 1e-12);
    EXPECT_LT(std::abs(q_err - 0.25 * e * e * d * lr), 1e-3 * (0.25 * d * lr) * e * e + 1e-12);  // quadrature
    EXPECT_LT(std::abs(b.bound.value - (S0 + S1) / 2 + 0.5 * q_fwd), 4 * b.bound.se);
    if (e == 0.0) nll0 = nr.nll.mean();
    if (e >= 0.05) err_term.push_back(se.value);
    if (e > 0 && e < 0.05) nll_excess.push_back(nr.nll.mean() - nll0);  // same samples: deterministic excess
    if (e < 0) {
      EXPECT_LT(nll, b.bound.value - 4 * b.bound.se) << "the true NLL falls below the bound for eps < 0";
    }
    // The plug-in NLL (pi = p_T: CE1 = S1) is S0 - eps (d/2) ln r in closed form, and the bound holds
    // for it at every eps, with margin exactly the score-error term eps^2 (d/4) ln r.
    const Estimate plug = plugin_nll(p, d, S1, r);
    double q_exch = 0;  // the trapezoid on the same nodes of the closed-form exchange rate -(1 + eps) g^2 d / v
    for (size_t k = 0; k + 1 < r.t.size(); ++k) {
      auto rate = [&](double t) { return -(1 + e) * p.g2(t) * d / (c + p.sigma2(t)); };
      q_exch += (r.t[k + 1] - r.t[k]) * 0.5 * (rate(r.t[k]) + rate(r.t[k + 1]));
    }
    std::printf("         plug-in NLL - S0 %+.5f +- %.5f (closed form %+.5f, on the nodes %+.5f); margin over the bound %.5f\n",
                plug.value - S0, plug.se, -e * 0.5 * d * lr, S1 + 0.5 * q_exch - S0, plug.value - b.bound.value);
    EXPECT_LT(std::abs(plug.value - (S1 + 0.5 * q_exch)), 4 * plug.se + 1e-12);
    EXPECT_LT(std::abs(S1 + 0.5 * q_exch - (S0 - e * 0.5 * d * lr)), 2e-3 * 0.5 * d * lr);  // quadrature
    EXPECT_GT(plug.value - b.bound.value, -4 * std::hypot(plug.se, b.bound.se)) << "eps " << e;
    EXPECT_LT(std::abs(plug.value - b.bound.value - se.value), 4 * std::hypot(std::hypot(plug.se, b.bound.se), se.se) + 2e-3 * d * lr);
  }
  // The process's own prior N(0, sigma_T^2 I) against data N(30, c) (a visible mismatch): CE1 - S1
  // from the second moment against Monte Carlo over p_T.
  {
    const double mu = 30;
    const Mat XT = (test::points(20000, d, 44) * std::sqrt(vT)).array() + mu;
    Vec lp;
    gaussian_prior(p, d)(XT, lp);
    Moments m;
    for (Eigen::Index i = 0; i < lp.size(); ++i) m.add(-lp[i] - prior_entropy(p, d));
    const double pm = prior_mismatch(p, d, d * (mu * mu + c));
    std::printf("CE1 - S1: %.4f (Monte Carlo %.4f +- %.4f)\n", pm, m.mean(), m.mean_se());
    EXPECT_LT(std::abs(pm - m.mean()), 4 * m.mean_se());
  }
  const double order_err = test::fit_order(eps_err, err_term), order_nll = test::fit_order(eps_nll, nll_excess);
  std::printf("fitted order in eps: score-error term %.3f (eps 0.05..0.4), NLL excess %.3f (eps 0.005..0.02)\n",
              order_err, order_nll);
  EXPECT_NEAR(order_err, 2.0, 0.05);
  EXPECT_NEAR(order_nll, 2.0, 0.1);  // (d/2)(r^eps - 1 - eps ln r): relative cubic term eps ln r / 3 < 0.06
}

TEST(EntropyRates, BadGridIsAnInputError) {
  const Process p(default_process(ProcessKind::VE));
  const MixtureScore s(test::two_modes(), p);
  EntropyRateOptions o;
  o.nodes = 1;
  EXPECT_THROW(entropy_rates(p, s, mixture_data(test::two_modes(), {1, Stream::User}), o), InputError);
}

}  // namespace
}  // namespace td
