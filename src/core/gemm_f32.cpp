#include "core/gemm_f32.hpp"

#include <cstring>

#include "core/lanes.hpp"

namespace td {
namespace {

// Rows [i0, i0 + 16 R) of C for columns [j0, j0 + 8).
template <int R>
inline void tile(const float* W, const float* A, float* C, long M, long K, long i0, long j0) {
  V16f acc[R][8] = {};
  const float* a = A + j0 * K;
  const float* w = W + i0;
  for (long k = 0; k < K; ++k) {
    V16f wr[R];
    for (int r = 0; r < R; ++r) std::memcpy(&wr[r], w + k * M + 16 * r, sizeof(V16f));
#pragma GCC unroll 8
    for (int c = 0; c < 8; ++c) {
      const float s = a[c * K + k];
      for (int r = 0; r < R; ++r) acc[r][c] += wr[r] * s;
    }
  }
  for (int c = 0; c < 8; ++c)
    for (int r = 0; r < R; ++r) std::memcpy(C + (j0 + c) * M + i0 + 16 * r, &acc[r][c], sizeof(V16f));
}

}  // namespace

void gemm_f32(const float* W, const float* A, float* C, long M, long K, long N) {
  long i0 = 0;
  // Row panels outermost: the panel of W (32 x K) stays in L1 while the columns of A stream by.
  for (; i0 + 32 <= M; i0 += 32)
    for (long j0 = 0; j0 < N; j0 += 8) tile<2>(W, A, C, M, K, i0, j0);
  if (i0 < M)
    for (long j0 = 0; j0 < N; j0 += 8) tile<1>(W, A, C, M, K, i0, j0);
}

}  // namespace td
