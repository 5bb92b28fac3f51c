#pragma once
// Randomness is a function of identity: every random number is determined by
// (seed, stream, trajectory id, step, component), never by thread or block.
#include <cstdint>

#include "core/types.hpp"

namespace td {

// Independent purposes draw from disjoint streams so that, e.g., adding a model never changes
// the forward noise.
enum class Stream : uint32_t {
  Init = 1,        // initial states drawn from p_{t_min}
  Forward = 2,     // forward-process noise
  Reverse = 3,     // reverse-sampler noise
  ExactMC = 4,     // Monte Carlo for exact references (KL, relative-entropy variance)
  Objective = 5,   // Monte Carlo for the score-matching objective
  Prior = 6,       // prior samples for the samplers
  User = 7,
  Train = 8,       // training batches: data, times, noise
  Hutchinson = 9,  // Rademacher probes of Hutchinson divergence estimates
  Entropy = 10,    // Monte Carlo for the entropy rates along the forward process
  Data = 11,       // synthetic data sets: training draws
  Test = 12,       // synthetic data sets: held-out draws (likelihood, entropy rates)
  Clone = 13,      // the copies of a cloning experiment after their branch time
};

struct RngKey {
  uint64_t seed = 0;
  Stream stream = Stream::User;
};

// n x d standard normals for trajectories ids[0..n) at `step`: Z(i, j) is the normal for
// (seed, stream, ids[i], step, j). n must be a multiple of kLanes (blocks are padded) so that every
// trajectory goes through the same vector code path.
constexpr int kLanes = 8;
void normal_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z);

// n x m uniforms in [0, 1) with the same identity rule (53-bit resolution).
void uniform_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U);

// Scalar versions (the reference path, and for non-hot code).
double normal_at(const RngKey& key, uint64_t id, uint64_t step, int component);
double uniform_at(const RngKey& key, uint64_t id, uint64_t step, int component);

}  // namespace td
