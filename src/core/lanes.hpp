#pragma once
// Eight-lane double vectors (GCC vector extensions): one AVX-512 register, two AVX2 or four SSE2
// registers on narrower machines, so the same code runs everywhere. Hot kernels process lane groups
// of kLanes points; each lane's arithmetic is independent of the others, which keeps every result
// identical for any block size or thread count.
#include <cstring>

namespace td {

typedef double V8 __attribute__((vector_size(64)));
typedef long long V8i __attribute__((vector_size(64)));
typedef unsigned long long V8u __attribute__((vector_size(64)));

// Sixteen-lane float vectors (one AVX-512 register): the MLP's activations.
typedef float V16f __attribute__((vector_size(64)));
typedef int V16i __attribute__((vector_size(64)));

inline V8 splat(double a) { return V8{} + a; }
inline V16f splatf(float a) { return V16f{} + a; }
inline V8 load8(const double* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(double* p, V8 v) { std::memcpy(p, &v, sizeof v); }
inline V8 vmax(V8 a, V8 b) { return a > b ? a : b; }
// The first nv lanes of v to dst (a batch's tail group holds fewer than eight points).
inline void store_lanes(double* dst, V8 v, int nv) {
  if (nv == 8) return store8(dst, v);
  double out[8];
  store8(out, v);
  for (int l = 0; l < nv; ++l) dst[l] = out[l];
}

}  // namespace td
