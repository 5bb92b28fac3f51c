#pragma once
// Streaming statistics. Every estimator carries its standard error. Accumulators are fed in a
// fixed (trajectory) order by the callers, so results do not depend on threads or block sizes.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace td {

// Mean, variance and the third and fourth cumulants (Welford/Terriberry one-pass updates).
class Moments {
 public:
  void add(double x);
  void merge(const Moments& o);
  int64_t count() const { return n_; }
  double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }  // NaN of nothing, never 0
  double variance() const;     // unbiased, n - 1
  double mean_se() const;      // sqrt(var / n)
  double variance_se() const;  // sqrt((m4 - m2^2 (n-3)/(n-1)) / n), central sample moments
  double k3() const;           // third cumulant = third central moment
  double k4() const;           // fourth cumulant = m4 - 3 m2^2
 private:
  int64_t n_ = 0;
  double mean_ = 0, m2_ = 0, m3_ = 0, m4_ = 0;
};

// Mean of exp(a_i) computed in the log domain, with the SE of the mean and the effective sample
// size (sum w)^2 / sum w^2 of the weights w_i = exp(a_i).
class LogMeanExp {
 public:
  void add(double a);
  int64_t count() const { return n_; }
  double log_mean() const;
  double mean() const;
  double mean_se() const;
  double ess() const;
 private:
  int64_t n_ = 0;
  double max_ = 0, s1_ = 0, s2_ = 0;  // sums of exp(a - max), exp(2(a - max))
};

struct Histogram {
  std::vector<double> edges;   // bins + 1 edges
  std::vector<int64_t> counts; // per bin
  int64_t below = 0, above = 0;
  std::vector<double> density() const;  // counts / (total * width), total includes outliers
};

// Histogram over [lo, hi]; values outside are counted in below/above.
Histogram histogram(const std::vector<double>& x, int bins, double lo, double hi);
// Range chosen from the q and 1-q quantiles (widened by 5%), so rare outliers do not flatten it.
Histogram histogram_auto(const std::vector<double>& x, int bins, double q = 1e-3);

double quantile(std::vector<double> x, double q);  // linear interpolation, q in [0, 1]

// Correlation coefficients of paired samples (n >= 2; NaN when a sample is constant).
double pearson(const std::vector<double>& x, const std::vector<double>& y);
double spearman(const std::vector<double>& x, const std::vector<double>& y);  // Pearson of ranks, ties averaged
// 95% interval of a correlation r from n pairs by Fisher's z: tanh(atanh r -+ 1.96 s), s = 1/sqrt(n - 3)
// for Pearson, sqrt(1.06 / (n - 3)) for Spearman (Fieller, Hartley & Pearson 1957). NaN for n <= 3.
struct Interval {
  double lo = NAN, hi = NAN;
};
Interval correlation_ci95(double r, size_t n, bool spearman);

// Running estimate of mean(exp(a_1..n)) at roughly log-spaced n, for convergence plots.
struct RunningCurve {
  std::vector<int64_t> n;
  std::vector<double> value, se;
};
RunningCurve running_mean_exp(const std::vector<double>& a, int points = 120);

}  // namespace td
