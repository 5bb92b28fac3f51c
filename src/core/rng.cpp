// Strict-double scalar draws (the reference path).
#include "core/rng.hpp"

#include "core/rng_draw.hpp"

namespace td {

double normal_at(const RngKey& key, uint64_t id, uint64_t step, int component) {
  double u0, u1;
  draw(key.seed, uint32_t(key.stream), id, step, uint32_t(component / 2), u0, u1);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u0));  // 1 - u0 in (0, 1]
  return (component % 2 == 0) ? r * std::cos(kTwoPi * u1) : r * std::sin(kTwoPi * u1);
}

double uniform_at(const RngKey& key, uint64_t id, uint64_t step, int component) {
  double u0, u1;
  draw(key.seed, uint32_t(key.stream), id, step, uint32_t(component / 2), u0, u1);
  return (component % 2 == 0) ? u0 : u1;
}

}  // namespace td
