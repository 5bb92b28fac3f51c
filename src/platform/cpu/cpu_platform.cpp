// The cpu platform: Philox eight ids at a time with vector Box-Muller (core/lanes.hpp), the
// register-resident mixture kernel, the fused samples over OpenMP threads.
#include "platform/platform.hpp"
#include "score/mixture_kernels.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {

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
  // The fused trajectory with OpenMP (the experiments' TAEP ensemble on a CPU is Platform's default,
  // run_taep's blocks: faster there).
  void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) const override {
    fused_taep_host(p, first, n, out, true);
  }
  void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) const override {
    fused_cloning_host(p, first, n, same, true);
  }
};

}  // namespace

const Platform* cpu_platform(PlatformInfo*) {
  static const CpuPlatform p;
  return &p;
}

}  // namespace td
