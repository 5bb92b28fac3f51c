// Block generation of normals and uniforms. Compiled with -ffast-math (see CMakeLists) so that
// log/sin/cos vectorize through libmvec; rng.cpp has the same formulas in strict double, and the
// tests bound the difference. Two passes: integer Philox on lane groups -> uniforms (bit-identical
// to the scalar draw), then Box-Muller on whole arrays.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/rng.hpp"
#include "core/rng_draw.hpp"

namespace td {
namespace {

void uniform_pairs(const RngKey& key, const uint64_t* ids, int n, uint64_t step, uint32_t word, double* u0,
                   double* u1) {
  const uint32_t stream = uint32_t(key.stream), sub = key.substream;
  const uint64_t seed = key.seed;
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    V8u id;
    std::memcpy(&id, ids + i, sizeof id);
    V8 a, b;
    draw_lanes(seed, stream, sub, id, step, word, a, b);
    store8(u0 + i, a);
    store8(u1 + i, b);
  }
  for (; i < n; ++i) draw(seed, stream, sub, ids[i], step, word, u0[i], u1[i]);
}

// The bits of all ids OR-ed (a vectorized scan): >= 2^48 exactly when some id is.
uint64_t id_bits(const uint64_t* ids, int n) {
  uint64_t m = 0;
  for (int i = 0; i < n; ++i) m |= ids[i];
  return m;
}

}  // namespace

void normal_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) {
  check_draw(key, id_bits(ids, n), step, d, DrawKind::Normal);
  Z.resize(n, d);
  thread_local std::vector<double> buf;
  buf.resize(size_t(2) * n);
  double* u0 = buf.data();
  double* u1 = u0 + n;
  for (int j = 0; j < d; j += 2) {
    uniform_pairs(key, ids, n, step, uint32_t(j / 2), u0, u1);
    double* z0 = Z.col(j).data();
    if (j + 1 < d) {
      double* z1 = Z.col(j + 1).data();
#pragma omp simd
      for (int i = 0; i < n; ++i) {
        const double r = std::sqrt(-2.0 * std::log(1.0 - u0[i]));  // 1 - u0 in (0, 1]
        const double a = kTwoPi * u1[i];
        z0[i] = r * std::cos(a);
        // sin(a) as cos(a - pi/2): GCC turns a sin/cos pair into a scalar sincos call, which
        // glibc 2.36 does not vectorize; two vector cos calls are several times faster.
        z1[i] = r * std::cos(a - 0.5 * M_PI);
      }
    } else {
#pragma omp simd
      for (int i = 0; i < n; ++i) z0[i] = std::sqrt(-2.0 * std::log(1.0 - u0[i])) * std::cos(kTwoPi * u1[i]);
    }
  }
}

void uniform_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) {
  check_draw(key, id_bits(ids, n), step, m, DrawKind::Uniform);
  U.resize(n, m);
  std::vector<double> a(n), b(n);
  for (int j = 0; j < m; j += 2) {
    uniform_pairs(key, ids, n, step, uint32_t(j / 2), a.data(), b.data());
    for (int i = 0; i < n; ++i) {
      U(i, j) = a[i];
      if (j + 1 < m) U(i, j + 1) = b[i];
    }
  }
}

std::vector<Mat> rademacher_probes(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, int k) {
  Mat U;
  uniform_block(key, ids, n, step, d * k, U);
  std::vector<Mat> V(k, Mat(n, d));
  for (int p = 0; p < k; ++p)
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < n; ++i) V[p](i, j) = U(i, p * d + j) < 0.5 ? -1.0 : 1.0;
  return V;
}

}  // namespace td
