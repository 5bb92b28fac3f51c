#pragma once
// Philox4x32-10 on eight counters at once (the scalar generator is core/philox_draw.hpp), written with
// plain integer arithmetic so that GCC vectorizes it. tests/core/test_rng.cpp checks
// it bit for bit against Random123's philox4x32.
#include <cstdint>

#include "core/lanes.hpp"
#include "core/philox_draw.hpp"  // the scalar generator (host and device)

namespace td {

// The same generator on eight counters at once, 32-bit words held in 64-bit lanes so that each
// multiply is one 32x32->64 lane multiply (vpmuludq) rather than a general 64-bit one.
inline void philox4x32_10_lanes(V8u c0, V8u c1, V8u c2, V8u c3, uint32_t k0, uint32_t k1, V8u out[4]) {
  constexpr uint64_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, lo = 0xFFFFFFFFu;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int r = 0; r < 10; ++r) {
    const V8u p0 = (c0 & lo) * M0, p1 = (c2 & lo) * M1;
    const V8u n0 = (p1 >> 32) ^ c1 ^ uint64_t(k0), n2 = (p0 >> 32) ^ c3 ^ uint64_t(k1);
    c1 = p1 & lo;
    c3 = p0 & lo;
    c0 = n0;
    c2 = n2;
    k0 += W0;
    k1 += W1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

}  // namespace td
