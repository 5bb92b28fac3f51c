#include "observe/memorization.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "observe/nearest_neighbors.hpp"

namespace td {

Proportion wilson_proportion(int64_t hits, int64_t n) {
  Proportion p{hits, n, 0, 0, 1};
  if (n == 0) return p;
  const double z = 1.959963984540054, f = double(hits) / double(n), z2n = z * z / double(n);
  const double centre = (f + z2n / 2) / (1 + z2n), half = z / (1 + z2n) * std::sqrt(f * (1 - f) / double(n) + z2n / (4 * double(n)));
  // The interval contains the fraction; at 0 and n hits its end is the fraction itself (rounding
  // would leave it a hair off).
  p.value = f, p.lo = hits == 0 ? 0.0 : std::min(f, centre - half), p.hi = hits == n ? 1.0 : std::max(f, centre + half);
  return p;
}

namespace {

int64_t count_below(const Neighbors& nb, double threshold) {
  int64_t c = 0;
  for (Eigen::Index i = 0; i < nb.dist.rows(); ++i) c += nb.dist(i, 0) < threshold * nb.dist(i, 1);
  return c;
}

}  // namespace

MemorizationResult memorization(const Mat& samples, const Mat& train, const Mat& held_out, double threshold) {
  if (!(threshold > 0 && threshold <= 1)) throw InputError(fmt::format("memorization: threshold {} is not in (0, 1]", threshold));
  if (train.rows() < 2) throw InputError("memorization: needs at least 2 training points");
  MemorizationResult r;
  r.threshold = threshold;
  const Neighbors nb = nearest_neighbors(samples, train, 2);
  for (Eigen::Index i = 0; i < samples.rows(); ++i)
    r.d1.push_back(nb.dist(i, 0)), r.d2.push_back(nb.dist(i, 1)), r.nearest.push_back(nb.index(i, 0));
  r.memorized = wilson_proportion(count_below(nb, threshold), samples.rows());
  if (held_out.rows() > 0) {
    const Neighbors h = nearest_neighbors(samples, held_out, 1);
    for (Eigen::Index i = 0; i < samples.rows(); ++i) r.d_held.push_back(h.dist(i, 0));
    r.baseline = wilson_proportion(count_below(nearest_neighbors(held_out, train, 2), threshold), held_out.rows());
  }
  return r;
}

}  // namespace td
