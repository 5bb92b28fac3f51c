#pragma once
// Randomness is a function of identity: every random number is determined by
// (seed, stream, substream, trajectory id, step, component), never by thread or block.
#include <cstdint>
#include <vector>

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
  ReverseDft = 14,       // reverse-sampler paths of the detailed fluctuation theorem (per model)
  ExactTransition = 15,  // exact-reference Monte Carlo: the forward transition t_min -> T (per model)
  DftInit = 16,          // the detailed fluctuation theorem's starting points, drawn from p_T
  EntropyProbes = 17,    // Rademacher probes of the entropy-rate estimators (Hutchinson divergence)
  TaepProbes = 18,       // Rademacher probes along TAEP paths, common to the target and every model
  EntropyFlow = 19,      // Monte Carlo of entropy production and flow
  FranzParisi = 20,      // Monte Carlo of the Franz-Parisi potential (substream 0: theory, 1: empirical)
  Pathwise = 21,         // forward samples of the pathwise conditional entropy V_h
  Check = 22,            // a model's convention check: data draws (substream 2 i) and noise (2 i + 1) of model i
  CollapseFinite = 23,   // the exact finite-P, d collapse curve over data sets (substream 1: its bootstrap;
                         // 2, 3: the normals and uniforms of refused gamma proposals)
  PathKl = 24,           // the forward paths of the path-KL bound of sampling schedules (observe/path_kl.hpp)
  Sliced = 25,           // the directions of sliced Wasserstein distances (observe/sliced_wasserstein.hpp)
  ModelPaths = 26,       // a model's reverse paths read for its own collapse (observe/model_collapse.hpp;
                         // substream 0: prior, 1: noise, 2: the bootstrap of t_C^model)
  Bootstrap = 27,        // resampling indices of a reading's bootstrap interval (substream: whose)
  Geometry = 28,         // the score's geometry, shared by every model (substream 0: the profile's data,
                         // 1: its forward noise, 2: its Lanczos starts, 3: the dimension's Lanczos starts,
                         // 4: the dimension's Hutchinson probes)
};

// A random stream: (seed, stream, substream). The substream tells apart the instances of one
// purpose within a run (the model index of a per-model Monte Carlo, say); 0 when there is one.
// Philox takes the seed as its key and (stream, substream, id, step, component) as its counter, an
// injective packing (rng_draw.hpp), so no two identities ever share a number and runs with
// different seeds share none. Never derive a seed by arithmetic: add a stream or a substream.
// `site` is where the key was made (file:line), for the audit (core/rng_audit.hpp): two places in
// a run that draw the same numbers are a bug the audit reports.
constexpr uint32_t kMaxSubstream = 0xFFFF;     // 16 bits of the counter
constexpr uint64_t kMaxDrawId = (1ull << 48);  // ids (trajectories, samples) below 2^48
struct RngKey {
  uint64_t seed = 0;
  Stream stream = Stream::User;
  uint32_t substream = 0;
  const char* site = "";
  uint32_t line = 0;
  RngKey() = default;
  // The caller's file and line by default (__builtin_FILE/LINE: clang 14 has no std::source_location).
  RngKey(uint64_t seed_, Stream stream_, uint32_t substream_ = 0, const char* file = __builtin_FILE(),
         uint32_t line_ = __builtin_LINE());
};

// n x d standard normals for trajectories ids[0..n) at `step`: Z(i, j) is the normal for
// (seed, stream, ids[i], step, j). Any n: a tail of fewer than kLanes ids runs the same lane code
// on a padded group, so an id's normals do not depend on the block it is drawn in.
constexpr int kLanes = 8;
void normal_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z);

// n x m uniforms in [0, 1) with the same identity rule (53-bit resolution).
void uniform_block(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U);

// Throws unless the draw is within the counter's injective range (ids < 2^48, steps < 2^32,
// components < 2^25); records it in the active RngAudit. Every draw function calls it.
enum class DrawKind : uint8_t { Uniform = 1, Normal = 2 };
// `ids_or` is the largest id, or all ids OR-ed together (>= 2^48 exactly when some id is).
void check_draw(const RngKey& key, uint64_t ids_or, uint64_t step, int components, DrawKind kind);

// k Rademacher probes (entries +-1), n x d each, for Hutchinson divergence estimates: entry (i, j)
// of probe p is the sign of the uniform (key, ids[i], step, p d + j). n must be a multiple of kLanes.
std::vector<Mat> rademacher_probes(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, int k);

// Scalar versions (the reference path, and for non-hot code).
double normal_at(const RngKey& key, uint64_t id, uint64_t step, int component);
double uniform_at(const RngKey& key, uint64_t id, uint64_t step, int component);

}  // namespace td
