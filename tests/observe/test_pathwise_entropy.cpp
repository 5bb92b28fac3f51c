// Pathwise conditional entropy and its variance (FORMULAS §5.3): sampling against quadrature for the
// 1-D two-Gaussian mixture, the generative ensemble against the forward one, the VP speciation
// scaling (peak / (1/2 ln d) -> 1) against EDM (no localization), and the peak finder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/pathwise_entropy.hpp"
#include "observe/speciation_schedule.hpp"
#include "process/schedules.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(a + (b - a) * i / (n - 1));
  return t;
}

TEST(PathwiseEntropy, PeakOfAParabolaAndItsWidth) {
  std::vector<double> t = linspace(0, 4, 41), v;
  for (double x : t) v.push_back(std::max(0.0, 1 - (x - 1.73) * (x - 1.73)));  // half height at 1.73 +- 1/sqrt 2
  const CurvePeak pk = curve_peak(t, v);
  EXPECT_NEAR(pk.t, 1.73, 1e-9);
  EXPECT_NEAR(pk.height, 1.0, 1e-9);
  EXPECT_NEAR(pk.width, std::sqrt(2.0), 0.01);
}

// A maximum at the window's edge is not a peak: it is reported at the edge, and an interior hump
// (prominent beyond 2 SE) is the peak; a monotone curve has none; a bump within the noise is none.
TEST(PathwiseEntropy, AMaximumAtTheEdgeIsNotAPeak) {
  std::vector<double> t = linspace(0.002, 1, 200), rising, hump, noisy;
  for (double x : t) {
    rising.push_back(2 * std::exp(-x / 0.01) + 0.5 * std::exp(-(x - 0.22) * (x - 0.22) / (2 * 0.05 * 0.05)));
    hump.push_back(1 - x);
  }
  CurvePeak pk = curve_peak(t, rising);
  EXPECT_EQ(pk.at, "lower edge");
  EXPECT_NEAR(pk.edge_t, 0.002, 1e-12);
  EXPECT_NEAR(pk.t, 0.22, 0.005);
  EXPECT_NEAR(pk.height, 0.5, 0.01);
  const CurvePeak none = curve_peak(t, hump);
  EXPECT_EQ(none.at, "lower edge");
  EXPECT_TRUE(std::isnan(none.t));
  // A hump 0.2 high on a falling line (prominence about 0.1), with SEs of 0.2: within the noise, no peak.
  std::vector<double> se(t.size(), 0.2);
  for (double x : t) noisy.push_back(1 - x + 0.2 * std::exp(-(x - 0.5) * (x - 0.5) / (2 * 0.05 * 0.05)));
  EXPECT_TRUE(std::isnan(curve_peak(t, noisy, &se).t));
  EXPECT_FALSE(std::isnan(curve_peak(t, noisy).t));  // without SEs it counts (5% of its height)
}

// V_h(t) for the 1-D two-Gaussian mixture (d = 16 scaling, OU) from 20000 exact samples per node
// against the quadrature, within 4 SE at every node; E h likewise.
TEST(PathwiseEntropy, SamplingAgreesWithQuadrature) {
  const GaussianMixture g = speciation_mixture(16);
  const Process p(default_process(ProcessKind::OU));
  const std::vector<double> t = linspace(0.3, 3.0, 10);
  const uint64_t seed = 71;
  test::print_seed(seed);
  const EntropyVariance mc = pathwise_entropy_forward(g, p, t, 20000, seed);
  const EntropyVariance q = pathwise_entropy_quadrature(g, p, t);
  for (size_t k = 0; k < t.size(); ++k) {
    std::printf("t %.2f: V_h %.5f +- %.5f (quadrature %.5f), E h %.5f +- %.5f (%.5f)\n", t[k], mc.var[k], mc.var_se[k],
                q.var[k], mc.mean[k], mc.mean_se[k], q.mean[k]);
    EXPECT_LT(std::abs(mc.var[k] - q.var[k]), 4 * mc.var_se[k] + 1e-9);
    EXPECT_LT(std::abs(mc.mean[k] - q.mean[k]), 4 * mc.mean_se[k] + 1e-9);
  }
  EXPECT_GT(q.peak.height, 0.01);
}

// The exact-score reverse SDE reproduces p_t, so V_h along generative paths matches the forward
// value within SE plus the sampler's O(dt) bias (1% allowed) — except at t_min itself, where h is
// so sharp in x that the last Euler-Maruyama steps' error shows (printed, not asserted).
TEST(PathwiseEntropy, GenerativeMatchesForward) {
  Mat Y(4, 1);
  Y << -2.3, -1.7, 1.7, 2.3;
  const GaussianMixture g = test::delta_mixture(Y);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0.01;
  pp.T = 4;
  const Process p(pp);
  const MixtureScore s(g, p);
  const TimeGrid grid{pp.t_min, pp.T, 1000};
  const uint64_t seed = 73;
  test::print_seed(seed);
  const GenerativeEntropy ge = pathwise_entropy_generative(g, p, s, grid, 8000, 100, 5, seed);
  ASSERT_EQ(ge.v.t.size(), 11u);
  const EntropyVariance fw = pathwise_entropy_forward(g, p, ge.v.t, 8000, seed + 1);
  std::printf("t_min %.3f: generative V_h %.4f +- %.4f, forward %.4f +- %.4f (sampler bias)\n", ge.v.t[0], ge.v.var[0],
              ge.v.var_se[0], fw.var[0], fw.var_se[0]);
  int bad = 0;
  for (size_t k = 1; k < ge.v.t.size(); ++k) {
    const double tl = test::tol(ge.v.var_se[k], fw.var_se[k]) + 0.01 * fw.var[k];
    std::printf("t %.3f: generative V_h %.4f +- %.4f, forward %.4f +- %.4f\n", ge.v.t[k], ge.v.var[k], ge.v.var_se[k],
                fw.var[k], fw.var_se[k]);
    bad += std::abs(ge.v.var[k] - fw.var[k]) > tl;
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(ge.paths_h.rows(), 5);
  EXPECT_NEAR(ge.paths_h(0, 0), 0.0, 0.01);  // at t_min every path has chosen its point
  EXPECT_NEAR(ge.paths_h(0, ge.paths_h.cols() - 1), std::log(4.0), 0.05);  // at T nothing is known
}

// Speciation scaling: with the OU process the V_h peak sits at t_S(d) = 1/2 ln d asymptotically
// (peak / t_S -> 1, decreasing deviation over d = 10..10^4), with a width in t that stays O(1);
// with EDM the peak moves as sqrt(d) (peak / t_S grows) and its width grows as sqrt(d).
TEST(PathwiseEntropy, SpeciationScalingVpLocalizesEdmDoesNot) {
  std::vector<double> dev, ratio_edm, width_vp, width_edm;
  for (double d : {10.0, 100.0, 1000.0, 10000.0}) {
    const GaussianMixture g = speciation_mixture(d);
    const double tS = 0.5 * std::log(d);
    ProcessParams ou = default_process(ProcessKind::OU);
    ou.T = 3 * tS;
    const EntropyVariance vp = pathwise_entropy_quadrature(g, Process(ou), linspace(0.05 * tS, 3 * tS, 300), 96);
    ProcessParams edm = default_process(ProcessKind::EDM);
    edm.T = 10 * std::sqrt(d);
    const EntropyVariance ed = pathwise_entropy_quadrature(g, Process(edm), linspace(0.01 * std::sqrt(d), 10 * std::sqrt(d), 300), 96);
    std::printf("d %6.0f: OU peak %.4f (t_S %.4f, ratio %.4f, width %.3f); EDM peak %.3f (ratio %.3f, width %.3f)\n", d,
                vp.peak.t, tS, vp.peak.t / tS, vp.peak.width, ed.peak.t, ed.peak.t / tS, ed.peak.width);
    dev.push_back(std::abs(vp.peak.t / tS - 1));
    ratio_edm.push_back(ed.peak.t / tS);
    width_vp.push_back(vp.peak.width);
    width_edm.push_back(ed.peak.width);
  }
  for (size_t i = 1; i < dev.size(); ++i) {
    EXPECT_LT(dev[i], dev[i - 1]);
    EXPECT_GT(ratio_edm[i], 1.5 * ratio_edm[i - 1]);
  }
  EXPECT_LT(dev.back(), 0.01);
  // VP width constant to 5%; EDM peak time and width ~ sqrt(d) (fitted exponents 0.5 +- 0.03).
  EXPECT_NEAR(width_vp.back() / width_vp[0], 1.0, 0.05);
  const std::vector<double> ds = {10, 100, 1000, 10000};
  EXPECT_NEAR(test::fit_order(ds, width_edm), 0.5, 0.03);
  std::vector<double> peak_edm;
  for (size_t i = 0; i < ds.size(); ++i) peak_edm.push_back(ratio_edm[i] * 0.5 * std::log(ds[i]));
  EXPECT_NEAR(test::fit_order(ds, peak_edm), 0.5, 0.03);
}

}  // namespace
}  // namespace td

namespace td {

// The speciation-aware schedule is density_schedule of the sampled V_h on log-sigma~ nodes (the same
// numbers), and on the 1-D two-Gaussian mixture (OU, d = 16 scaling) its levels crowd at the V_h
// peak: with floor 0.2, the gaps inside the peak's full width at half maximum are the smallest, and
// at least half the levels lie within it (measured: 10 of 16, the smallest gap at t = 1.375 against
// the peak at 1.384 = ln 16 / 2 to 3 digits).
TEST(PathwiseEntropy, SpeciationScheduleCrowdsAtTheVhPeak) {
  const GaussianMixture g = speciation_mixture(16);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0.05, pp.T = 4.0;
  const Process p(pp);
  const uint64_t seed = 73;
  test::print_seed(seed);
  const int n = 16, nodes = 48, samples = 4000;
  const std::vector<double> t = speciation_times(p, g, n, nodes, samples, seed, 0.2);
  std::vector<double> base = baseline_schedule("uniform_log_sigma", p, nodes);
  std::reverse(base.begin(), base.end());
  const EntropyVariance v = pathwise_entropy_forward(g, p, base, samples, seed);
  EXPECT_EQ(t, density_schedule(p, v.t, v.var, n, 0.2));
  const EntropyVariance q = pathwise_entropy_quadrature(g, p, base);
  ASSERT_EQ(q.peak.at, "interior");
  const double lo = q.peak.t - q.peak.width / 2, hi = q.peak.t + q.peak.width / 2;
  int inside = 0;
  double smallest_gap = 1e300, gap_at = 0;
  for (size_t j = 0; j < t.size(); ++j) {
    inside += t[j] > lo && t[j] < hi;
    if (j > 0 && t[j - 1] - t[j] < smallest_gap) smallest_gap = t[j - 1] - t[j], gap_at = 0.5 * (t[j - 1] + t[j]);
  }
  std::printf("V_h peak at t = %.3f (FWHM %.3f): %d of %d levels inside, the smallest gap %.4f at t = %.3f\n", q.peak.t,
              q.peak.width, inside, n, smallest_gap, gap_at);
  EXPECT_GE(inside, n / 2);
  EXPECT_GT(gap_at, lo);
  EXPECT_LT(gap_at, hi);
}

}  // namespace td
