#pragma once
// The random-stream audit: while an RngAudit is alive, every draw (block or scalar) records its
// stream (seed, stream, substream), its step and the place in the code that made its key. Two
// places drawing the same (seed, stream, substream, step) draw the same numbers: unless it is the
// same key handed around on purpose (common random numbers come from one key), that is a hidden
// correlation, and conflicts() lists it. So is one step drawn both as uniforms and as normals (the
// same bits through two transforms, e.g. a sampler's component choice and its noise). `thermodiff run --rng-audit FILE` writes the audit of a run.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/rng.hpp"

namespace td {

class RngAudit {
 public:
  RngAudit();  // at most one at a time (the draws of every thread report to it)
  ~RngAudit();
  RngAudit(const RngAudit&) = delete;
  RngAudit& operator=(const RngAudit&) = delete;

  void record(const RngKey& key, uint64_t step, DrawKind kind);

  struct Stream {
    uint64_t seed;
    uint32_t stream, substream;
    uint64_t first_step, last_step, steps;  // the steps drawn
    std::vector<std::string> sites;         // where its keys were made (file:line)
  };
  std::vector<Stream> streams() const;
  // One line per (seed, stream, substream, step range) drawn from keys made in more than one place.
  std::vector<std::string> conflicts() const;

 private:
  using Id = std::tuple<uint64_t, uint32_t, uint32_t>;
  mutable std::mutex mu_;
  struct Use {
    std::set<std::string> sites;
    uint8_t kinds = 0;  // DrawKind bits
    bool operator==(const Use&) const = default;
  };
  std::map<Id, std::map<uint64_t, Use>> uses_;  // stream -> step -> use
};

// The audit in force, or null; a draw checks it (one relaxed load) before recording.
RngAudit* active_rng_audit();

}  // namespace td
