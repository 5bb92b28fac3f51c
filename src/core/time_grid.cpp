#include "core/time_grid.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

TimeGrid::TimeGrid(double t_min, double T, int steps) {
  if (steps < 1) throw InputError(fmt::format("time grid: needs at least one step (got {})", steps));
  if (!(T > t_min)) throw InputError(fmt::format("time grid: needs t_min < T (got {} and {})", t_min, T));
  t_.resize(size_t(steps) + 1);
  for (int n = 0; n < steps; ++n) t_[size_t(n)] = t_min + n * ((T - t_min) / steps);
  t_.back() = T;
}

TimeGrid::TimeGrid(std::vector<double> times) : t_(std::move(times)) {
  if (t_.size() < 2) throw InputError("time grid: needs at least two times");
  for (size_t i = 1; i < t_.size(); ++i)
    if (!(t_[i] > t_[i - 1]) || !std::isfinite(t_[i]))
      throw InputError(fmt::format("time grid: times must increase (t[{}] = {} after t[{}] = {})", i, t_[i], i - 1, t_[i - 1]));
}

double TimeGrid::max_dt() const {
  double m = 0;
  for (int n = 0; n < steps(); ++n) m = std::max(m, dt(n));
  return m;
}

TimeGrid TimeGrid::coarsened() const {
  std::vector<double> c;
  for (size_t i = 0; i < t_.size(); i += 2) c.push_back(t_[i]);
  if (c.back() != t_.back()) c.push_back(t_.back());
  return TimeGrid(std::move(c));
}

TimeGrid TimeGrid::refined(int k) const {
  if (k < 1) throw InputError("time grid: refinement factor must be >= 1");
  std::vector<double> r;
  for (int n = 0; n < steps(); ++n)
    for (int j = 0; j < k; ++j) r.push_back(t(n) + dt(n) * j / k);
  r.push_back(T());
  return TimeGrid(std::move(r));
}

TimeGrid TimeGrid::with_nodes(const std::vector<double>& extra) const {
  std::vector<double> r = t_;
  for (double x : extra)
    if (x > t_min() && x < T() && node_of(x) < 0) r.push_back(x);
  std::sort(r.begin(), r.end());
  return TimeGrid(std::move(r));
}

TimeGrid TimeGrid::with_even_nodes(const std::vector<double>& extra) const {
  TimeGrid g = with_nodes(extra);
  std::vector<double> sorted = extra;
  std::sort(sorted.begin(), sorted.end());
  for (double x : sorted) {  // ascending: a split shifts only the nodes after it
    const int k = g.node_of(x);
    if (k > 0 && k % 2 == 1) g = g.with_nodes({0.5 * (g.t(k - 1) + g.t(k))});
  }
  return g;
}

int TimeGrid::node_of(double t) const {
  const auto it = std::lower_bound(t_.begin(), t_.end(), t - 1e-12 * std::max(1.0, std::abs(t)));
  if (it != t_.end() && std::abs(*it - t) <= 1e-12 * std::max(1.0, std::abs(t))) return int(it - t_.begin());
  return -1;
}

}  // namespace td
