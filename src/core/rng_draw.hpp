#pragma once
// One Philox draw -> two uniforms in [0, 1) with 53-bit resolution, and the Box-Muller transform.
// Shared by the vectorized block generators and the strict scalar ones.
#include <cmath>
#include <cstdint>

#include "core/philox.hpp"

namespace td {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double k2m53 = 1.0 / 9007199254740992.0;  // 2^-53

// Counter: c0 = step (32 bits), c1 = trajectory id (low 32 bits), c2 = (substream << 16) | id
// bits 32..47, c3 = (stream << 24) | word; key = seed. Injective for step < 2^32, id < 2^48,
// substream < 2^16, stream < 2^8 and word < 2^24 (checked by the callers, core/normal_block.cpp).
// Substream 0 leaves the counters of the streams from before substreams existed unchanged.
// Word w yields 4 x 32 bits = 2 doubles, i.e. components 2w and 2w+1.
inline uint32_t counter_c2(uint64_t id, uint32_t substream) { return uint32_t(id >> 32) | (substream << 16); }

#pragma omp declare simd
inline void draw(uint64_t seed, uint32_t stream, uint32_t substream, uint64_t id, uint64_t step, uint32_t word,
                 double& u0, double& u1) {
  uint32_t out[4];
  philox4x32_10(uint32_t(step), uint32_t(id), counter_c2(id, substream), (stream << 24) | word,
                uint32_t(seed), uint32_t(seed >> 32), out);
  const uint64_t a = (uint64_t(out[0]) << 21) ^ (uint64_t(out[1]) >> 11);
  const uint64_t b = (uint64_t(out[2]) << 21) ^ (uint64_t(out[3]) >> 11);
  u0 = double(a & ((1ull << 53) - 1)) * k2m53;
  u1 = double(b & ((1ull << 53) - 1)) * k2m53;
}

// draw() for eight trajectories at once: the same bits, hence the same uniforms.
inline void draw_lanes(uint64_t seed, uint32_t stream, uint32_t substream, V8u id, uint64_t step, uint32_t word,
                       V8& u0, V8& u1) {
  V8u out[4];
  const V8u zero{};
  philox4x32_10_lanes(zero + uint32_t(step), id & 0xFFFFFFFFu, (id >> 32) | (uint64_t(substream) << 16),
                      zero + ((stream << 24) | word),
                      uint32_t(seed), uint32_t(seed >> 32), out);
  constexpr uint64_t m53 = (1ull << 53) - 1;
  const V8u a = ((out[0] << 21) ^ (out[1] >> 11)) & m53;
  const V8u b = ((out[2] << 21) ^ (out[3] >> 11)) & m53;
  u0 = __builtin_convertvector(a, V8) * k2m53;
  u1 = __builtin_convertvector(b, V8) * k2m53;
}

}  // namespace td
