// Block generation of normals and uniforms: Philox on lane groups (core/rng_draw.hpp, bit-identical
// to the scalar draw of core/philox_draw.hpp), then Box-Muller in the same registers
// (core/lane_normal.hpp). A tail of fewer than eight ids runs the same lane code on a padded group,
// so every id gets the same bits whatever block it is drawn in. philox_draw.hpp has the same
// formulas in strict double (the reference and CUDA platforms); the tests bound the difference.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/lane_normal.hpp"
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
  const int groups = (n + kLanes - 1) / kLanes;
  thread_local std::vector<double> buf;
  buf.resize(size_t(2) * groups * kLanes);
  double* u0 = buf.data();
  double* u1 = u0 + size_t(groups) * kLanes;
  // Two passes per pair of coordinates: Philox for every group, then Box-Muller for every group.
  // Each pass's iterations are independent and short, so the core overlaps several of them (one
  // fused loop runs one long dependency chain after another: 1.5x slower).
  for (int j = 0; j < d; j += 2) {
    uniform_pairs(key, ids, n, step, uint32_t(j / 2), u0, u1);
    for (int i = n; i < groups * kLanes; ++i) u0[i] = u0[n - 1], u1[i] = u1[n - 1];  // a tail repeats its last id
    for (int g = 0; g < groups; ++g) {
      const int i = g * kLanes, nv = std::min(kLanes, n - i);
      V8 z0, z1;
      box_muller_lanes(load8(u0 + i), load8(u1 + i), z0, z1);
      store_lanes(Z.col(j).data() + i, z0, nv);
      if (j + 1 < d) store_lanes(Z.col(j + 1).data() + i, z1, nv);
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
