// Dynamical regimes (FORMULAS §5.5): the covariance eigenvalue behind t_S, the cloning probability
// of the two-Gaussian mixture against its theory, and the collapse excess entropy against the
// Gaussian-mixture (REM) theory.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "observe/speciation.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

TEST(Speciation, TopEigenvalueOfTheCovariance) {
  // Lambda = |m|^2 + sigma^2 = d + 1 for the two Gaussians; power iteration against a dense solver.
  EXPECT_NEAR(covariance_top_eigenvalue(symmetric_pair(50)), 51.0, 1e-9);
  const Mat X = test::points(300, 6, 81) * Vec::LinSpaced(6, 0.5, 3.0).asDiagonal();
  const Mat Xc = X.rowwise() - X.colwise().mean();
  Eigen::SelfAdjointEigenSolver<Mat> es(Xc.transpose() * Xc / 299.0);
  EXPECT_NEAR(covariance_top_eigenvalue(X), es.eigenvalues().maxCoeff(), 1e-9 * es.eigenvalues().maxCoeff());
  Eigen::Index top;
  es.eigenvalues().maxCoeff(&top);
  EXPECT_NEAR(std::abs(covariance_top_direction(X).dot(es.eigenvectors().col(top))), 1.0, 1e-9);
  EXPECT_NEAR(speciation_time(std::exp(2.0)), 1.0, 1e-15);
  EXPECT_THROW(covariance_top_eigenvalue(Mat(1, 3)), InputError);
}

// phi(t) from the cloned reverse SDE (exact score, d = 128, 400 steps on [0.01, 8]) against the
// closed form, within 4 SE plus 0.01 for the Euler-Maruyama bias; the Monte Carlo theory against
// the closed form within 4 SE.
TEST(Speciation, CloningAgreesWithTheory) {
  const int d = 128;
  const GaussianMixture g = symmetric_pair(d);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0.01;
  pp.T = 8;
  const Process p(pp);
  const MixtureScore s(g, p);
  const double tS = speciation_time(covariance_top_eigenvalue(g));
  CloningOptions o;
  o.samples = 4000;
  o.branch_times = {tS - 1, tS - 0.5, tS, tS + 0.5, tS + 1.5};
  o.seed = 83;
  test::print_seed(o.seed);
  const CloningResult r = cloning_probability(g, p, s, {pp.t_min, pp.T, 400}, o);
  ASSERT_EQ(r.t.size(), 5u);
  for (size_t j = 0; j < r.t.size(); ++j) {
    const double th = cloning_theory_two_gaussians(p, std::sqrt(double(d)), 1.0, r.t[j]);
    std::printf("t %.3f (t/t_S %.2f): phi %.4f +- %.4f, theory %.4f (Monte Carlo %.4f +- %.4f)\n", r.t[j], r.t[j] / tS,
                r.phi[j], r.phi_se[j], th, r.theory[j], r.theory_se[j]);
    EXPECT_LT(std::abs(r.phi[j] - th), 4 * r.phi_se[j] + 0.01);
    EXPECT_LT(std::abs(r.theory[j] - th), 4 * r.theory_se[j] + 1e-9);
  }
  EXPECT_GT(r.t[0], r.t[1]);  // met in descending order
  // Branches at exactly the requested times (t_S = 1/2 ln(d + 1) is no node of the 400-step grid):
  // each is a node of the grid the sampler steps on, never snapped.
  for (size_t j = 0; j < r.t.size(); ++j) EXPECT_EQ(r.t[j], o.branch_times[o.branch_times.size() - 1 - j]);
  EXPECT_THROW(cloning_probability(g, p, s, {pp.t_min, pp.T, 400}, [] {
    CloningOptions o;
    o.samples = 10, o.branch_times = {9.0}, o.seed = 1;
    return o;
  }()), InputError);
  // Heun with the discretization error: phi agrees with the theory within 4 sqrt(SE^2 + dt^2) + 0.01.
  o.scheme = ReverseScheme::Heun;
  o.dt_error = true;
  const CloningResult h = cloning_probability(g, p, s, {pp.t_min, pp.T, 400}, o);
  for (size_t j = 0; j < h.t.size(); ++j) {
    const double th = cloning_theory_two_gaussians(p, std::sqrt(double(d)), 1.0, h.t[j]);
    std::printf("Heun t %.3f: phi %.4f +- %.4f (dt %+.4f), theory %.4f\n", h.t[j], h.phi[j], h.phi_se[j], h.phi_dt[j], th);
    ASSERT_TRUE(std::isfinite(h.phi_dt[j]));
    EXPECT_LT(std::abs(h.phi[j] - th), 4 * std::hypot(h.phi_se[j], h.phi_dt[j]) + 0.01);
  }
}

// f^e for P = 1000 training points of the two-Gaussian data against the REM theory: zero in the
// condensed phase (t < t_C / 2), equal to the exact-entropy theory well above the collapse (where
// the theory exceeds alpha_P / 2) within 4 SE + 2% of alpha_P (finite-P terms); in between, finite d
// smooths the transition, and the read-off collapse time approaches the closed form as d grows.
TEST(Speciation, CollapseExcessEntropyApproachesTheory) {
  const Process p(default_process(ProcessKind::OU));
  const double P = 1000;
  std::vector<double> tc_err;
  for (int d : {64, 256, 1024}) {
    const Mat A = draw_dataset(symmetric_pair(d), {85, Stream::Data}, int(P));
    const double tC = collapse_time_theory(1.0, d, P), aP = std::log(P) / d;
    std::vector<double> t;
    for (int i = 1; i <= 30; ++i) t.push_back(tC * 3.0 * i / 30);
    const uint64_t seed = 86;
    test::print_seed(seed);
    const CollapseResult r = excess_entropy(A, p, t, 512, seed);
    int bad = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      const double th = excess_entropy_theory(p, std::sqrt(double(d)), 1.0, d, P, t[k]);
      if (t[k] < 0.5 * tC) bad += std::abs(r.fe[k]) > 4 * r.fe_se[k] + 1e-3 * aP;
      if (th > 0.5 * aP) bad += std::abs(r.fe[k] - th) > 4 * r.fe_se[k] + 0.02 * aP;
      if (k % 5 == 4) std::printf("  t %.3f: f^e %.5f +- %.5f, theory %.5f\n", t[k], r.fe[k], r.fe_se[k], th);
    }
    std::printf("d %d: t_C read %.4f, closed form %.4f\n", d, r.t_collapse, tC);
    EXPECT_EQ(bad, 0) << "d = " << d;
    tc_err.push_back(std::abs(r.t_collapse / tC - 1));
  }
  EXPECT_LT(tc_err[1], tc_err[0]);
  EXPECT_LT(tc_err[2], tc_err[1]);
  EXPECT_LT(tc_err[2], 0.1);
}

// t_C's bootstrap interval covers the collapse time of the expected curve: 20 independent runs of
// 128 samples per node against a reference read from 8192 samples per node; a 95% interval must
// cover it in at least 15 of 20 (binomial: P(< 15 | 0.95) < 0.3%), and none may be degenerate.
TEST(Speciation, CollapseTimeBootstrapIntervalCovers) {
  const Process p(default_process(ProcessKind::OU));
  const int d = 256, P = 1000;
  const Mat A = draw_dataset(symmetric_pair(d), {87, Stream::Data}, P);
  const double tC = collapse_time_theory(1.0, d, P);
  std::vector<double> t;
  for (int i = 1; i <= 24; ++i) t.push_back(tC * 2.0 * i / 24);
  const double ref = excess_entropy(A, p, t, 8192, 1000, 0.05, 0).t_collapse;
  int covered = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const CollapseResult r = excess_entropy(A, p, t, 128, seed, 0.05, 200);
    ASSERT_TRUE(r.t_collapse_lo < r.t_collapse_hi) << "seed " << seed;
    covered += r.t_collapse_lo <= ref && ref <= r.t_collapse_hi;
    if (seed <= 3) std::printf("  seed %d: t_C %.4f, 95%% interval [%.4f, %.4f], reference %.4f\n", int(seed), r.t_collapse,
                               r.t_collapse_lo, r.t_collapse_hi, ref);
  }
  std::printf("  covered %d of 20\n", covered);
  EXPECT_GE(covered, 15);
}

// The exact finite-P, d curve (excess_entropy_finite: every other point's distance from one normal
// and one chi-square) is the estimator's own quantity averaged over data sets: against the estimator
// on 24 independent data sets of P = 300 points in d = 24, their mean within 4 combined SE at every
// node, and its t_C at the 5% threshold where the estimators' mean curve reads it.
TEST(Speciation, FiniteCollapseCurveIsTheEstimatorsOverDataSets) {
  const Process p(default_process(ProcessKind::OU));
  const int d = 24, P = 300, sets = 24;
  const double tC = collapse_time_theory(1.0, d, P);
  std::vector<double> t;
  for (int i = 1; i <= 8; ++i) t.push_back(tC * 2.0 * i / 8);
  const uint64_t seed = 88;
  test::print_seed(seed);
  std::vector<Moments> over_sets(t.size());
  for (int s = 0; s < sets; ++s) {
    const Mat A = draw_dataset(symmetric_pair(d), {seed, Stream::Data, uint32_t(s)}, P);
    const CollapseResult r = excess_entropy(A, p, t, 256, seed + 1 + s, 0.05, 0);
    for (size_t k = 0; k < t.size(); ++k) over_sets[k].add(r.fe[k]);
  }
  const CollapseResult x = excess_entropy_finite(p, d, P, t, 4096, seed, 0.05, 0);
  std::vector<double> mean;
  for (size_t k = 0; k < t.size(); ++k) {
    const double se = std::sqrt(std::pow(over_sets[k].mean_se(), 2) + x.fe_se[k] * x.fe_se[k]);
    std::printf("  t %.3f: estimator over %d sets %.5f +- %.5f, exact finite %.5f +- %.5f\n", t[k], sets, over_sets[k].mean(),
                over_sets[k].mean_se(), x.fe[k], x.fe_se[k]);
    EXPECT_LE(std::abs(over_sets[k].mean() - x.fe[k]), 4 * se) << "t = " << t[k];
    mean.push_back(over_sets[k].mean());
  }
  const double level = 0.05 * std::log(double(P)) / d;
  std::printf("  t_C: estimators' mean curve %.4f, exact finite %.4f, REM limit %.4f\n", crossing_from_above(t, mean, level),
              x.t_collapse, tC);
}

}  // namespace
}  // namespace td
