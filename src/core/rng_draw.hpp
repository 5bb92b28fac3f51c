#pragma once
// The draw of core/philox_draw.hpp for eight trajectories at once (the vectorized block generators).
#include <cmath>
#include <cstdint>

#include "core/philox.hpp"

namespace td {

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
