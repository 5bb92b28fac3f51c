// Block generation of normals and uniforms. Compiled with -ffast-math (see CMakeLists) so that
// log/sin/cos vectorize; rng.cpp has the same formulas in strict double, and the tests bound the
// difference.
#include <cmath>

#include "core/rng.hpp"
#include "core/rng_draw.hpp"

namespace td {

void normal_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) {
  Z.resize(n, d);
  const uint32_t stream = uint32_t(key.stream);
  for (int j = 0; j < d; j += 2) {
    double* z0 = Z.col(j).data();
    double* z1 = (j + 1 < d) ? Z.col(j + 1).data() : nullptr;
    const uint32_t word = uint32_t(j / 2);
    if (z1) {
#pragma omp simd
      for (int i = 0; i < n; ++i) {
        double u0, u1;
        draw(key.seed, stream, ids[i], step, word, u0, u1);
        const double r = std::sqrt(-2.0 * std::log(1.0 - u0));  // 1 - u0 in (0, 1]
        z0[i] = r * std::cos(kTwoPi * u1);
        z1[i] = r * std::sin(kTwoPi * u1);
      }
    } else {
#pragma omp simd
      for (int i = 0; i < n; ++i) {
        double u0, u1;
        draw(key.seed, stream, ids[i], step, word, u0, u1);
        z0[i] = std::sqrt(-2.0 * std::log(1.0 - u0)) * std::cos(kTwoPi * u1);
      }
    }
  }
}

void uniform_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) {
  U.resize(n, m);
  const uint32_t stream = uint32_t(key.stream);
  for (int j = 0; j < m; j += 2) {
    double* a = U.col(j).data();
    double* b = (j + 1 < m) ? U.col(j + 1).data() : nullptr;
    for (int i = 0; i < n; ++i) {
      double u0, u1;
      draw(key.seed, stream, ids[i], step, uint32_t(j / 2), u0, u1);
      a[i] = u0;
      if (b) b[i] = u1;
    }
  }
}

}  // namespace td
