#pragma once
// The CUDA platform's kernels behind a plain C++ interface (no CUDA header), so that only
// cuda_kernels.cu is compiled by nvcc. Arrays are host arrays in Eigen's column-major layout; each call
// copies to the device, launches one thread per row and copies back. Errors throw std::runtime_error
// with CUDA's own message (the platform turns them into RunError).
#include <cstdint>
#include <string>

#include "score/mixture_point.hpp"
#include "sim/fused_cloning.hpp"
#include "sim/fused_taep.hpp"

namespace td::cuda {

struct DeviceInfo {
  bool available = false;
  std::string reason;  // why not, when not
  std::string name;    // e.g. "NVIDIA H200"
  size_t memory = 0;   // bytes
  int major = 0, minor = 0, multiprocessors = 0;
  int index = 0;  // which device
};
// Device `preferred` modulo the number of devices (an MPI rank's local rank: one GPU per rank), made
// the one every later call uses; or why there is none. Never throws.
DeviceInfo probe(int preferred);

// Z(i, j) = normal component j of (seed, stream, substream, ids[i], step), n x d column-major.
void normals(uint64_t seed, uint32_t stream, uint32_t substream, const uint64_t* ids, int n, uint64_t step, int d,
             double* Z);
void uniforms(uint64_t seed, uint32_t stream, uint32_t substream, const uint64_t* ids, int n, uint64_t step, int m,
              double* U);
// Score (n x d), divergence and log-density (n) of the mixture at the n rows of X; any output may be
// null. Rows are processed in chunks that fit the device's memory.
void mixture(const MixtureArrays& g, const double* X, int n, double* S, double* div, double* logp);

// Whole TAEP trajectories first .. first + n - 1 (sim/fused_taep.hpp), one thread each, in chunks
// that fit the device's memory; out's arrays are host arrays of models x n.
void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out);
// Whole cloning samples first .. first + n - 1 (sim/fused_cloning.hpp), one thread each, their
// vectors strided by the chunk's size (coalesced), in chunks that fit the device's memory; same is a
// host array of branches x n.
void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same);

}  // namespace td::cuda
