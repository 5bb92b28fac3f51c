#include "observe/energy_distance.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/stats.hpp"

namespace td {
namespace {

int64_t quadruples(const Mat& x, const Mat& y, const char* who) {
  if (x.cols() != y.cols())
    throw InputError(fmt::format("{}: the generated samples have dimension {}, the data {}", who, x.cols(), y.cols()));
  const int64_t q = std::min(x.rows(), y.rows()) / 2;
  if (q < 2) throw InputError(fmt::format("{}: {} generated and {} data rows; need at least 4 of each", who, x.rows(), y.rows()));
  return q;
}

// The term of quadruple i.
double term(const Mat& x, const Mat& y, int64_t i) {
  const auto a = x.row(2 * i), b = x.row(2 * i + 1), c = y.row(2 * i), e = y.row(2 * i + 1);
  return (a - e).norm() + (b - c).norm() - (a - b).norm() - (c - e).norm();
}

EnergyDistance finish(const Moments& m) { return {m.mean(), m.mean_se(), m.count()}; }

}  // namespace

EnergyDistance energy_distance(const Mat& x, const Mat& y) {
  const int64_t q = quadruples(x, y, "energy distance");
  Moments m;
  for (int64_t i = 0; i < q; ++i) m.add(term(x, y, i));
  return finish(m);
}

EnergyDistance energy_distance_difference(const Mat& x_a, const Mat& x_b, const Mat& y) {
  if (x_a.rows() != x_b.rows()) throw InputError("energy distance difference: the two generated sets differ in size");
  const int64_t q = quadruples(x_a, y, "energy distance difference");
  quadruples(x_b, y, "energy distance difference");
  Moments m;
  for (int64_t i = 0; i < q; ++i) m.add(term(x_a, y, i) - term(x_b, y, i));
  return finish(m);
}

}  // namespace td
