#include "common.hpp"
#include "core/error.hpp"
#include "core/nonfinite.hpp"
#include "core/stats.hpp"

namespace td {

TEST(Stats, MomentsMatchTwoPassAndMergeIsAssociative) {
  std::vector<double> x;
  for (int i = 0; i < 1001; ++i) x.push_back(std::sin(0.37 * i) * 3 + 0.001 * i * i / 100);
  double mean = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  double c2 = 0, c3 = 0, c4 = 0;
  for (double v : x) {
    const double u = v - mean;
    c2 += u * u, c3 += u * u * u, c4 += u * u * u * u;
  }
  const double n = double(x.size());
  c2 /= n, c3 /= n, c4 /= n;
  Moments a, b, all;
  for (size_t i = 0; i < x.size(); ++i) {
    all.add(x[i]);
    (i < 400 ? a : b).add(x[i]);
  }
  a.merge(b);
  for (const Moments* m : {&all, &a}) {
    EXPECT_NEAR(m->mean(), mean, 1e-12);
    EXPECT_NEAR(m->variance(), c2 * n / (n - 1), 1e-10);
    EXPECT_NEAR(m->k3(), c3, 1e-10);
    EXPECT_NEAR(m->k4(), c4 - 3 * c2 * c2, 1e-9);
  }
}

TEST(Stats, LogMeanExpIsStableAndExact) {
  LogMeanExp e;
  std::vector<double> a = {-1000.0, -1001.0, -999.5, -1000.2};
  for (double v : a) e.add(v);
  double m = -999.5, s = 0, s2 = 0;
  for (double v : a) s += std::exp(v - m), s2 += std::exp(2 * (v - m));
  EXPECT_NEAR(e.log_mean(), m + std::log(s / 4), 1e-12);
  EXPECT_NEAR(e.ess(), s * s / s2, 1e-12);
  LogMeanExp u;
  for (int i = 0; i < 10; ++i) u.add(0.0);
  EXPECT_DOUBLE_EQ(u.mean(), 1.0);
  EXPECT_DOUBLE_EQ(u.ess(), 10.0);
  EXPECT_DOUBLE_EQ(u.mean_se(), 0.0);
}

TEST(Stats, HistogramCountsEverything) {
  std::vector<double> x = {0.05, 0.15, 0.15, 0.95, -1, 2};
  const Histogram h = histogram(x, 10, 0.0, 1.0);
  EXPECT_EQ(h.counts[0], 1);
  EXPECT_EQ(h.counts[1], 2);
  EXPECT_EQ(h.counts[9], 1);
  EXPECT_EQ(h.below, 1);
  EXPECT_EQ(h.above, 1);
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 0.5), 2.5);
}

}  // namespace td


namespace td {

// The non-finite gate (core/nonfinite.hpp): under "fail" the first NaN stops with a RunError naming
// it; under "exclude" every estimator leaves such values out and counts them; an estimate of
// nothing is NaN, never 0; histograms never index with a NaN (the SIGSEGV).
TEST(NonFinite, FailStopsAtTheFirstValue) {
  NonFiniteScope scope(NonFinitePolicy::Fail);
  Moments m;
  m.add(1.0);
  try {
    m.add(NAN);
    ADD_FAILURE() << "a NaN entered an estimate under nonfinite = fail";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("values entering an estimate not finite: a per-trajectory value is nan"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(histogram({1.0, INFINITY}, 4, 0.0, 2.0), RunError);
  EXPECT_EQ(m.count(), 1);
}

TEST(NonFinite, ExcludeLeavesThemOutOfEveryEstimatorAndCountsThem) {
  NonFiniteScope scope(NonFinitePolicy::Exclude);
  const std::vector<double> x = {1.0, NAN, 2.0, INFINITY, 3.0, -INFINITY};
  Moments m;
  for (double v : x) m.add(v);
  EXPECT_EQ(m.count(), 3);
  EXPECT_EQ(m.mean(), 2.0);
  LogMeanExp l;
  for (double v : {0.0, double(NAN), std::log(3.0), double(INFINITY)}) l.add(v);
  EXPECT_EQ(l.count(), 2);
  EXPECT_NEAR(l.mean(), 2.0, 1e-15);
  const Histogram h = histogram(x, 3, 0.5, 3.5);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(h.below + h.above, 0);
  EXPECT_EQ(quantile(x, 0.5), 2.0);
  const Histogram all_bad = histogram_auto({NAN, NAN}, 4);  // no finite value: no range, no crash
  EXPECT_EQ(all_bad.counts.size(), 4u);
  const auto counts = nonfinite_counts();
  EXPECT_EQ(counts.at("values entering an estimate"), 3);
  EXPECT_EQ(counts.at("values entering an exponential average"), 2);
  EXPECT_GE(counts.at("values entering a histogram"), 3);
}

TEST(NonFinite, AnEstimateOfNothingIsNaN) {
  Moments m;
  EXPECT_TRUE(std::isnan(m.mean()));
  LogMeanExp l;
  l.add(-INFINITY);  // a zero weight: counted, the mean of exp is 0
  EXPECT_EQ(l.count(), 1);
  EXPECT_EQ(l.mean(), 0.0);
}

}  // namespace td

namespace td {

// Fisher-z intervals in closed form: r = 0, n = 12 gives tanh(+-1.96/3); Spearman's variance is
// 1.06 times Pearson's; r = 0.694 from 20 pairs gives 0.363 .. 0.869; n <= 3 and |r| = 1 give NaN.
TEST(Stats, CorrelationIntervalsAreFisherZ) {
  const Interval p = correlation_ci95(0.0, 12, false), s = correlation_ci95(0.0, 12, true);
  EXPECT_NEAR(p.hi, std::tanh(1.959963984540054 / 3), 1e-14);
  EXPECT_NEAR(p.lo, -p.hi, 1e-15);
  EXPECT_NEAR(s.hi, std::tanh(1.959963984540054 * std::sqrt(1.06 / 9)), 1e-14);
  const Interval q = correlation_ci95(0.694, 20, false);
  EXPECT_NEAR(q.lo, 0.3629, 1e-4);
  EXPECT_NEAR(q.hi, 0.8695, 1e-4);
  EXPECT_TRUE(std::isnan(correlation_ci95(0.5, 3, false).lo));
  EXPECT_TRUE(std::isnan(correlation_ci95(1.0, 30, false).hi));
}

}  // namespace td
