#include "platform/platform.hpp"

#include "core/error.hpp"
#include "platform/cuda/cuda_platform.hpp"
#include "score/mixture_kernels.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {

// Plain scalar double: one number at a time, the oracle.
class ReferencePlatform final : public Platform {
 public:
  std::string name() const override { return "reference"; }
  void normals(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override {
    Z.resize(n, d);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < d; ++j) Z(i, j) = normal_at(key, ids[i], step, j);
  }
  void uniforms(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) const override {
    U.resize(n, m);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j) U(i, j) = uniform_at(key, ids[i], step, j);
  }
  void mixture(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp) const override {
    mixture_eval_reference(marg, X, S, div, logp);
  }
  void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) const override {
    fused_taep_host(p, first, n, out, false);
  }
  void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) const override {
    fused_cloning_host(p, first, n, same, false);
  }
};

// Lanes: Philox eight ids at a time with vector Box-Muller; the register-resident mixture kernel.
class CpuPlatform final : public Platform {
 public:
  std::string name() const override { return "cpu"; }
  void normals(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override {
    normal_block(key, ids, n, step, d, Z);
  }
  void uniforms(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) const override {
    uniform_block(key, ids, n, step, m, U);
  }
  void mixture(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp) const override {
    mixture_eval_fast(marg, X, S, div, logp);
  }
  // The fused trajectory with OpenMP (the production TAEP path is run_taep's blocks, faster on a CPU).
  void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) const override {
    fused_taep_host(p, first, n, out, true);
  }
  void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) const override {
    fused_cloning_host(p, first, n, same, true);
  }
};

}  // namespace

const Platform& platform(PlatformKind kind) {
  static const ReferencePlatform reference;
  static const CpuPlatform cpu;
  if (kind == PlatformKind::Cuda) {
    if (const Platform* p = cuda_platform()) return *p;
    throw RunError("the CUDA platform is unavailable: " + cuda_status().reason);
  }
  return kind == PlatformKind::Reference ? static_cast<const Platform&>(reference) : cpu;
}

const std::vector<PlatformKind>& platform_kinds() {
  static const std::vector<PlatformKind> all = [] {
    std::vector<PlatformKind> k = {PlatformKind::Reference, PlatformKind::Cpu};
    if (cuda_platform()) k.push_back(PlatformKind::Cuda);
    return k;
  }();
  return all;
}

}  // namespace td
