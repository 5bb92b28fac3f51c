#include "core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/nonfinite.hpp"

namespace td {

// The one gate between per-trajectory values and the estimators: a value that is not finite never
// enters a mean; the run's policy (core/nonfinite) fails on it or counts it.
namespace {
bool admit(double x, const char* into) {
  if (std::isfinite(x)) return true;
  note_nonfinite(fmt::format("values entering {}", into), fmt::format("a per-trajectory value is {}", x));
  return false;
}
}  // namespace

void Moments::add(double x) {
  if (!admit(x, "an estimate")) return;
  Moments one;
  one.n_ = 1;
  one.mean_ = x;
  merge(one);
}

// Pairwise combination of central moments (Pébay 2008); add() is its n_b = 1 case.
void Moments::merge(const Moments& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  const double na = double(n_), nb = double(o.n_), n = na + nb;
  const double delta = o.mean_ - mean_, d_n = delta / n;
  const double d2 = delta * d_n * na * nb;  // delta^2 na nb / n
  const double m2 = m2_ + o.m2_ + d2;
  const double m3 = m3_ + o.m3_ + d2 * d_n * (na - nb) + 3.0 * d_n * (na * o.m2_ - nb * m2_);
  const double m4 = m4_ + o.m4_ + d2 * d_n * d_n * (na * na - na * nb + nb * nb) +
                    6.0 * d_n * d_n * (na * na * o.m2_ + nb * nb * m2_) +
                    4.0 * d_n * (na * o.m3_ - nb * m3_);
  mean_ += d_n * nb;
  m2_ = m2;
  m3_ = m3;
  m4_ = m4;
  n_ += o.n_;
}

double Moments::variance() const {
  return n_ > 1 ? m2_ / double(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
}
double Moments::mean_se() const { return std::sqrt(variance() / double(n_)); }
double Moments::variance_se() const {
  if (n_ < 4) return std::numeric_limits<double>::quiet_NaN();
  const double n = double(n_), c2 = m2_ / n, c4 = m4_ / n;
  return std::sqrt(std::max(0.0, (c4 - c2 * c2 * (n - 3.0) / (n - 1.0)) / n));
}
double Moments::k3() const { return n_ > 0 ? m3_ / double(n_) : 0.0; }
double Moments::k4() const {
  if (n_ == 0) return 0.0;
  const double c2 = m2_ / double(n_);
  return m4_ / double(n_) - 3.0 * c2 * c2;
}

void LogMeanExp::add(double a) {
  if (a == -INFINITY) {  // a zero weight: counted, adds nothing to the sums
    if (n_++ == 0) max_ = a;
    return;
  }
  if (!admit(a, "an exponential average")) return;
  if (n_ == 0 || max_ == -INFINITY) {
    max_ = a;
  } else if (a > max_) {  // rescale the sums to the new maximum
    const double r = std::exp(max_ - a);
    s1_ *= r;
    s2_ *= r * r;
    max_ = a;
  }
  const double w = std::exp(a - max_);
  s1_ += w;
  s2_ += w * w;
  ++n_;
}
double LogMeanExp::log_mean() const { return max_ + std::log(s1_ / double(n_)); }
double LogMeanExp::mean() const { return std::exp(log_mean()); }
double LogMeanExp::mean_se() const {
  const double n = double(n_);
  if (n_ < 2) return std::numeric_limits<double>::quiet_NaN();
  const double m1 = s1_ / n, m2 = s2_ / n;
  const double var = std::max(0.0, m2 - m1 * m1) * n / (n - 1.0);
  return std::exp(max_) * std::sqrt(var / n);
}
double LogMeanExp::ess() const { return s1_ * s1_ / s2_; }

std::vector<double> Histogram::density() const {
  int64_t total = below + above;
  for (auto c : counts) total += c;
  std::vector<double> d(counts.size(), 0.0);
  for (size_t i = 0; i < counts.size(); ++i)
    d[i] = total ? double(counts[i]) / (double(total) * (edges[i + 1] - edges[i])) : 0.0;
  return d;
}

Histogram histogram(const std::vector<double>& x, int bins, double lo, double hi) {
  Histogram h;
  if (!(hi > lo)) {  // degenerate data (e.g. Sigma = 0 for a perfect model): one unit-wide bin
    lo -= 0.5;
    hi += 0.5;
  }
  h.edges.resize(bins + 1);
  for (int i = 0; i <= bins; ++i) h.edges[i] = lo + (hi - lo) * double(i) / bins;
  h.counts.assign(bins, 0);
  for (double v : x) {
    if (!admit(v, "a histogram")) continue;
    if (v < lo) {
      ++h.below;
    } else if (v > hi) {
      ++h.above;
    } else {
      const double f = (v - lo) / (hi - lo) * bins;  // clamped before the cast: a huge f is UB as int
      h.counts[f >= bins || !(f >= 0) ? (f >= bins ? bins - 1 : 0) : size_t(f)]++;
    }
  }
  return h;
}

double quantile(std::vector<double> x, double q) {
  x.erase(std::remove_if(x.begin(), x.end(), [](double v) { return !admit(v, "a quantile"); }), x.end());
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(x.begin(), x.end());
  const double pos = q * double(x.size() - 1);
  const size_t i = size_t(std::floor(pos));
  const double f = pos - double(i);
  return i + 1 < x.size() ? x[i] * (1 - f) + x[i + 1] * f : x[i];
}

Histogram histogram_auto(const std::vector<double>& x, int bins, double q) {
  std::vector<double> finite;  // the range from the finite values (histogram() notes the others)
  for (double v : x)
    if (std::isfinite(v)) finite.push_back(v);
  double lo = quantile(finite, q), hi = quantile(finite, 1 - q);
  if (finite.empty()) lo = hi = 0;
  const double pad = 0.05 * (hi - lo);
  return histogram(x, bins, lo - pad, hi + pad);
}

RunningCurve running_mean_exp(const std::vector<double>& a, int points) {
  RunningCurve c;
  const int64_t n = int64_t(a.size());
  LogMeanExp acc;
  int64_t next = 1;
  const double ratio = std::pow(double(std::max<int64_t>(n, 2)), 1.0 / std::max(points - 1, 1));
  for (int64_t i = 0; i < n; ++i) {
    acc.add(a[i]);
    if (i + 1 == next || i + 1 == n) {
      c.n.push_back(i + 1);
      c.value.push_back(acc.mean());
      c.se.push_back(i > 0 ? acc.mean_se() : 0.0);
      next = std::max(next + 1, int64_t(std::ceil(double(next) * ratio)));
    }
  }
  return c;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n != y.size() || n < 2) throw InputError("pearson: needs two samples of equal size >= 2");
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= double(n);  // sum, then divide: a constant sample has exactly zero deviations
  my /= double(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::numeric_limits<double>::quiet_NaN();
}

namespace {
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), size_t(0));
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i + 1;
    while (j < idx.size() && v[idx[j]] == v[idx[i]]) ++j;
    for (size_t k = i; k < j; ++k) r[idx[k]] = 0.5 * double(i + j - 1);  // ties share the average rank
    i = j;
  }
  return r;
}
}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) { return pearson(ranks(x), ranks(y)); }

Interval correlation_ci95(double r, size_t n, bool spearman) {
  if (n <= 3 || !(std::abs(r) < 1)) return {};
  const double z = std::atanh(r), s = std::sqrt((spearman ? 1.06 : 1.0) / double(n - 3));
  return {std::tanh(z - 1.959963984540054 * s), std::tanh(z + 1.959963984540054 * s)};
}

}  // namespace td
