#include "observe/sliced_wasserstein.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace td {

double sliced_w2(const Mat& x, const Mat& y, int directions, uint64_t seed) {
  if (x.cols() != y.cols()) throw InputError(fmt::format("sliced W2: dimensions differ ({} and {})", x.cols(), y.cols()));
  const Eigen::Index n = std::min(x.rows(), y.rows());
  if (n < 2 || directions < 1) throw InputError("sliced W2: needs at least 2 rows and 1 direction");
  const int d = int(x.cols());
  std::vector<uint64_t> ids(static_cast<size_t>(directions));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat theta;
  normal_block({seed, Stream::Sliced}, ids.data(), directions, 0, d, theta);
  theta.rowwise().normalize();
  const Mat px = x.topRows(n) * theta.transpose(), py = y.topRows(n) * theta.transpose();
  double total = 0;
  std::vector<double> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
  for (int k = 0; k < directions; ++k) {
    for (Eigen::Index i = 0; i < n; ++i) a[size_t(i)] = px(i, k), b[size_t(i)] = py(i, k);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
    total += s / double(n);
  }
  return total / directions;
}

}  // namespace td
