// The reference platform: plain scalar double, one number at a time — the oracle every other
// platform is compared with (platform/compare.hpp).
#include "platform/platform.hpp"
#include "score/mixture_kernels.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {

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

}  // namespace

const Platform* reference_platform(PlatformInfo*) {
  static const ReferencePlatform p;
  return &p;
}

}  // namespace td
