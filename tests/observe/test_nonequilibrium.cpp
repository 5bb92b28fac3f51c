// Ensemble entropy production and flow, the reverse potential's speciation time and phase
// boundaries, and the Franz-Parisi potential (FORMULAS §4).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "observe/entropy_flow.hpp"
#include "observe/franz_parisi.hpp"
#include "observe/reverse_potential.hpp"
#include "score/mixture_kernels.hpp"

namespace td {
namespace {

Process ou() {
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0;
  pp.T = 10;
  return Process(pp);
}

// pi, phi, dS/dt for two Gaussians (d = 3, |mu| = 1.5 along one axis, s2 = 0.4): Monte Carlo within
// 4 SE of the closed form at several t; the reverse relations; dS/dt against a central difference
// of the entropy S(t) = -E ln p_t (1-D, quadrature over each marginal component).
TEST(EntropyFlow, MonteCarloAgreesWithClosedForm) {
  const int d = 3;
  GaussianMixture g = symmetric_pair(d, 0.0, 0.4);
  g.means(0, 0) = 1.5, g.means(1, 0) = -1.5;
  const Process p = ou();
  const std::vector<double> t = {0.05, 0.3, 0.8, 1.5, 3.0};
  const uint64_t seed = 111;
  test::print_seed(seed);
  const auto mc = entropy_flow_mc(g, p, t, 20000, seed);
  for (size_t k = 0; k < t.size(); ++k) {
    const EntropyFlowPoint c = entropy_flow_two_gaussians(1.5, 0.4, d, t[k]);
    std::printf("t %.2f: pi %.4f +- %.4f (%.4f), phi %.4f +- %.4f (%.4f), dS %.4f +- %.4f (%.4f), phi* %.4f (%.4f)\n", t[k],
                mc[k].pi, mc[k].pi_se, c.pi, mc[k].phi, mc[k].phi_se, c.phi, mc[k].dS, mc[k].dS_se, c.dS, mc[k].phi_rev, c.phi_rev);
    EXPECT_LT(std::abs(mc[k].pi - c.pi), 4 * mc[k].pi_se);
    EXPECT_LT(std::abs(mc[k].phi - c.phi), 4 * mc[k].phi_se);
    EXPECT_LT(std::abs(mc[k].dS - c.dS), 4 * mc[k].dS_se);
    EXPECT_LT(std::abs(mc[k].phi_rev - c.phi_rev), 4 * mc[k].phi_rev_se);
    EXPECT_NEAR(c.pi_rev - c.phi_rev, -c.dS, 1e-12 * (1 + std::abs(c.phi_rev)));
    EXPECT_NEAR(c.pi - c.phi, c.dS, 1e-12 * (1 + std::abs(c.pi)));
  }
  // dS/dt = d/dt (-E ln p_t): 1-D, Gauss-Hermite over both components of p_t.
  const GaussianMixture g1 = symmetric_pair(1, 1.2, 0.3);
  auto entropy = [&](double tt) {
    const GaussianMixture m = g1.marginal(p.alpha(tt), p.sigma2(tt));
    const GaussRule& gh = gauss_hermite(120);
    Mat X(2 * Eigen::Index(gh.x.size()), 1);
    for (int c = 0; c < 2; ++c)
      for (size_t q = 0; q < gh.x.size(); ++q) X(c * Eigen::Index(gh.x.size()) + Eigen::Index(q), 0) = m.means(c, 0) + std::sqrt(m.vars(c, 0)) * gh.x[q];
    Vec lp;
    mixture_eval_reference(m, X, nullptr, nullptr, &lp);
    double h = 0;
    for (int c = 0; c < 2; ++c)
      for (size_t q = 0; q < gh.x.size(); ++q) h -= 0.5 * gh.w[q] * lp[c * Eigen::Index(gh.x.size()) + Eigen::Index(q)];
    return h;
  };
  for (double tt : {0.1, 0.5, 1.0, 2.0}) {
    const double e = 1e-4, fd = (entropy(tt + e) - entropy(tt - e)) / (2 * e);
    EXPECT_NEAR(entropy_flow_two_gaussians(1.2, 0.3, 1, tt).dS, fd, 1e-6) << "t = " << tt;
  }
  EXPECT_THROW(entropy_flow_mc(g, Process(default_process(ProcessKind::VP)), t, 100, 1), InputError);
}

// t_S from the closed form against the numerical zero of U''(0) along mu, for several (|mu|, s2) and
// d; the phase boundaries: t_S = 0 on |mu|^2 = s2 - s2^2/2, t_USB = 0 at s2 = 2.
TEST(ReversePotential, SpeciationTimeAndPhaseBoundaries) {
  const Process p = ou();
  for (int d : {1, 4})
    for (double mu : {0.8, 1.0, 2.0})
      for (double s2 : {0.1, 0.5, 1.0, 1.5}) {
        GaussianMixture g = symmetric_pair(d, 0.0, s2);
        g.means(0, 0) = mu, g.means(1, 0) = -mu;
        RowVec v = RowVec::Zero(d);
        v[0] = 1;
        const double ts = speciation_time_curvature(mu, s2);
        if (!(ts > 0.01)) continue;
        const double num = curvature_zero_time(g, p, v, 1e-6, 10);
        EXPECT_NEAR(num, ts, 1e-9) << "mu " << mu << " s2 " << s2 << " d " << d;
        // Double well (negative curvature at 0) before t_S, single after.
        EXPECT_LT(potential_curvature(g, p, 0.5 * ts, RowVec::Zero(d), v), 0);
        EXPECT_GT(potential_curvature(g, p, 1.5 * ts, RowVec::Zero(d), v), 0);
      }
  EXPECT_NEAR(speciation_time_curvature(1.3, 1.0), 0.5 * std::log(2 * 1.3 * 1.3), 1e-14);
  for (double s2 : {0.3, 0.8, 1.2, 1.9}) {
    const double mu = std::sqrt(s2 - 0.5 * s2 * s2);
    EXPECT_NEAR(speciation_time_curvature(mu, s2), 0.0, 1e-12) << s2;
    EXPECT_EQ(phase_region(mu * 1.01, s2), PhaseRegion::Speciation);
    EXPECT_EQ(phase_region(mu * 0.99, s2), PhaseRegion::NoTransition);
  }
  EXPECT_NEAR(unstable_symmetry_breaking_time(2.0), 0.0, 1e-15);
  EXPECT_EQ(phase_region(0.5, 2.5), PhaseRegion::UnstableSymmetryBreaking);
  // For s2 > 2 and mu = 0 the curvature at the origin is 2/G - 1: zero at t_USB.
  const GaussianMixture wide = symmetric_pair(1, 0.0, 3.0);
  EXPECT_NEAR(curvature_zero_time(wide, p, RowVec::Ones(1), 1e-6, 10), unstable_symmetry_breaking_time(3.0), 1e-9);
}

// ln Z by the two-delta formula against direct integration with the delta widened to a narrow
// Gaussian in q (width 1e-5), for a few (x_t, x_0', q); and V's shape at the paper's times.
TEST(FranzParisi, TwoDeltaFormulaAgreesWithDirectIntegration) {
  const GaussianMixture g = symmetric_pair(1, 1.0, 0.1);
  const Process p = ou();
  struct Case { double t, xt, x0p, q; };
  for (const Case c : {Case{0.42, 0.3, 0.9, 0.2}, Case{0.015, -0.8, -1.1, 0.075}, Case{0.01, 1.2, 0.7, 0.5}}) {
    const double a = p.alpha(c.t), S = p.sigma2(c.t), eps = 1e-5;
    // int e^{-H(x0)} N(q - (x0 - x0')^2; 0, eps^2) dx0 near the two roots x0' +- sqrt q.
    double z = 0;
    for (double sgn : {-1.0, 1.0}) {
      const double x0c = c.x0p + sgn * std::sqrt(c.q), w = 20 * eps / (2 * std::sqrt(c.q));
      const int m = 20000;
      for (int i = 0; i < m; ++i) {
        const double x0 = x0c - w + (i + 0.5) * 2 * w / m, u = c.q - (x0 - c.x0p) * (x0 - c.x0p);
        Vec lp;
        mixture_eval_reference(g, Mat::Constant(1, 1, x0), nullptr, nullptr, &lp);
        const double H = (c.xt - a * x0) * (c.xt - a * x0) / (2 * S) - lp[0];
        z += std::exp(-H - 0.5 * u * u / (eps * eps)) / (eps * std::sqrt(2 * M_PI)) * (2 * w / m);
      }
    }
    const double lz = fp_log_z_1d(g, p, c.t, c.xt, c.x0p, c.q);
    std::printf("t %.3f: ln Z formula %.8f, direct %.8f\n", c.t, lz, std::log(z));
    EXPECT_NEAR(lz, std::log(z), 1e-4);
  }
  std::vector<double> q;
  for (int i = 0; i < 400; ++i) q.push_back(0.075 + 0.01 * i);
  const uint64_t seed = 113;
  test::print_seed(seed);
  const FranzParisi late = franz_parisi_1d(g, p, 0.42, q, 20000, seed), early = franz_parisi_1d(g, p, 0.01, q, 20000, seed);
  std::printf("inflection points: t = 0.42: %zu, t = 0.01: %zu\n", late.inflections.size(), early.inflections.size());
  EXPECT_GT(early.inflections.size(), late.inflections.size());  // fragmentation of the posterior as t -> 0
  EXPECT_THROW(fp_log_z_1d(g, p, 0.1, 0, 0, 0.0), InputError);
}

// Binned empirical version: V is finite where bins hold points, the planted overlap bin has the
// lowest V at small t (the posterior concentrates on the planted point), and the result does not
// depend on the thread count.
TEST(FranzParisi, BinnedEmpiricalData) {
  const int P = 200, d = 50;
  const Mat A = draw_dataset(symmetric_pair(d, 1.0, 1.0), {117, Stream::Data}, P);
  const Process p = ou();
  std::vector<double> edges;
  for (int i = 0; i <= 30; ++i) edges.push_back(-3.0 + 6.0 * i / 30);
  const FranzParisiBinned r = franz_parisi_binned(A, p, 0.05, edges, 400, 119);
  size_t best = 0;
  for (size_t b = 0; b < r.V.size(); ++b)
    if (std::isfinite(r.V[b]) && (!std::isfinite(r.V[best]) || r.V[b] < r.V[best])) best = b;
  std::printf("lowest V %.4f in bin [%.2f, %.2f)\n", r.V[best], edges[best], edges[best + 1]);
  EXPECT_GE(edges[best + 1], 1.5);  // self-overlap |a|^2/d ~ 1 + 1 = 2
  EXPECT_LT(r.V[best], 0.1);
}

}  // namespace
}  // namespace td
