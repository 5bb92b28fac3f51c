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

}  // namespace td
