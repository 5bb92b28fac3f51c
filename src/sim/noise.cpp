#include "sim/noise.hpp"

#include <cmath>

namespace td {

void RefinedNoise::fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const {
  const uint64_t m = uint64_t(1) << level_;
  Mat fine;
  Z.setZero(n, d);
  for (uint64_t k = 0; k < m; ++k) {
    normal_block(key_, ids, n, step * m + k, d, fine);
    Z += fine;
  }
  Z /= std::sqrt(double(m));
}

void CoarsenedNoise::fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const {
  const size_t a = size_t(2 * step);
  fine_.fill(ids, n, a, d, Z);
  if (a + 1 >= w_.size()) return;
  thread_local Mat second;
  fine_.fill(ids, n, a + 1, d, second);
  const double s = std::sqrt(w_[a] + w_[a + 1]);
  Z = (std::sqrt(w_[a]) / s) * Z + (std::sqrt(w_[a + 1]) / s) * second;
}

}  // namespace td
