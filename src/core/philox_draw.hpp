#pragma once
// Philox4x32-10 (Salmon et al. 2011, as in Random123) for one counter, one draw -> two uniforms in
// [0, 1) with 53-bit resolution, and the Box-Muller normal: the scalar arithmetic of every random
// number thermodiff uses, shared by the CPU (the lanes in philox.hpp/rng_draw.hpp give the same bits)
// and the CUDA platform. tests/core/test_rng.cpp checks it against Random123's philox4x32.
#include <cmath>
#include <cstdint>

#include "core/host_device.hpp"

namespace td {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double k2m53 = 1.0 / 9007199254740992.0;  // 2^-53

TD_OMP_DECLARE_SIMD
TD_HD void philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                         uint32_t out[4]) {
  constexpr uint64_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int r = 0; r < 10; ++r) {
    const uint64_t p0 = M0 * c0, p1 = M1 * c2;
    const uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
    const uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += W0; k1 += W1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// Counter: c0 = step (32 bits), c1 = trajectory id (low 32 bits), c2 = (substream << 16) | id
// bits 32..47, c3 = (stream << 24) | word; key = seed. Injective for step < 2^32, id < 2^48,
// substream < 2^16, stream < 2^8 and word < 2^24 (checked by the callers: core/rng.cpp check_draw).
// Substream 0 leaves the counters of the streams from before substreams existed unchanged.
// Word w yields 4 x 32 bits = 2 doubles, i.e. components 2w and 2w+1.
TD_HD uint32_t counter_c2(uint64_t id, uint32_t substream) { return uint32_t(id >> 32) | (substream << 16); }

TD_OMP_DECLARE_SIMD
TD_HD void draw(uint64_t seed, uint32_t stream, uint32_t substream, uint64_t id, uint64_t step, uint32_t word,
                double& u0, double& u1) {
  uint32_t out[4];
  philox4x32_10(uint32_t(step), uint32_t(id), counter_c2(id, substream), (stream << 24) | word,
                uint32_t(seed), uint32_t(seed >> 32), out);
  const uint64_t a = (uint64_t(out[0]) << 21) ^ (uint64_t(out[1]) >> 11);
  const uint64_t b = (uint64_t(out[2]) << 21) ^ (uint64_t(out[3]) >> 11);
  u0 = double(a & ((1ull << 53) - 1)) * k2m53;
  u1 = double(b & ((1ull << 53) - 1)) * k2m53;
}

// Component j of (seed, stream, substream, id, step): a standard normal by Box-Muller on the draw of
// word j / 2 (cos for even j, sin for odd), or a uniform in [0, 1).
TD_HD double normal_component(uint64_t seed, uint32_t stream, uint32_t substream, uint64_t id, uint64_t step, int j) {
  double u0, u1;
  draw(seed, stream, substream, id, step, uint32_t(j / 2), u0, u1);
  const double r = sqrt(-2.0 * log(1.0 - u0));  // 1 - u0 in (0, 1]
  return (j % 2 == 0) ? r * cos(kTwoPi * u1) : r * sin(kTwoPi * u1);
}
TD_HD double uniform_component(uint64_t seed, uint32_t stream, uint32_t substream, uint64_t id, uint64_t step, int j) {
  double u0, u1;
  draw(seed, stream, substream, id, step, uint32_t(j / 2), u0, u1);
  return (j % 2 == 0) ? u0 : u1;
}

}  // namespace td
