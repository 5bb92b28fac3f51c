// The key, the identity checks, and strict-double scalar draws (the reference path).
#include "core/rng.hpp"

#include <stdexcept>
#include <string>

#include "core/rng_audit.hpp"
#include "core/philox_draw.hpp"

namespace td {

RngKey::RngKey(uint64_t seed_, Stream stream_, uint32_t substream_, const char* file, uint32_t line_)
    : seed(seed_), stream(stream_), substream(substream_), site(file), line(line_) {
  if (substream > kMaxSubstream)
    throw std::logic_error("RngKey: substream " + std::to_string(substream) + " exceeds " + std::to_string(kMaxSubstream));
}

void check_draw(const RngKey& key, uint64_t max_id, uint64_t step, int components, DrawKind kind) {
  // The counter packing (rng_draw.hpp) is injective only within these ranges.
  if (max_id >= kMaxDrawId || (step >> 32) != 0 || components > (1 << 25))
    throw std::logic_error("random draw outside the counter's range: id " + std::to_string(max_id) + ", step " +
                           std::to_string(step) + ", " + std::to_string(components) + " components");
  if (RngAudit* a = active_rng_audit()) a->record(key, step, kind);
}

double normal_at(const RngKey& key, uint64_t id, uint64_t step, int component) {
  check_draw(key, id, step, component + 1, DrawKind::Normal);
  return normal_component(key.seed, uint32_t(key.stream), key.substream, id, step, component);
}

double uniform_at(const RngKey& key, uint64_t id, uint64_t step, int component) {
  check_draw(key, id, step, component + 1, DrawKind::Uniform);
  return uniform_component(key.seed, uint32_t(key.stream), key.substream, id, step, component);
}

}  // namespace td
