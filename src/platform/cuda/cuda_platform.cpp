#include "platform/cuda/cuda_platform.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "platform/cuda/cuda_kernels.hpp"
#include "platform/taep_ensemble.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {

#ifdef THERMODIFF_CUDA
namespace {

// Runs a device call, turning CUDA's errors into RunError (exit 3 with the message).
template <class F>
void on_device(const char* what, F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    throw RunError(fmt::format("CUDA platform, {}: {}", what, e.what()));
  }
}

class CudaPlatform final : public Platform {
 public:
  std::string name() const override { return "cuda"; }
  // The exact-mixture ensembles as the fused kernels, a thread per trajectory or sample.
  std::vector<TaepTrajectories> taep_ensemble(const TaepJob& j, const EnsembleSpec& spec) const override {
    if (!fused_taep_unsupported(j.target, j.models, j.opt).empty()) return Platform::taep_ensemble(j, spec);
    return run_taep_fused(*this, j.process, j.grid, j.target, j.models, spec, j.init_key, j.noise_key);
  }
  std::string taep_ensemble_how(const TaepJob& j) const override {
    const std::string why = fused_taep_unsupported(j.target, j.models, j.opt);
    return why.empty() ? name() + " (fused exact-mixture kernel)" : "cpu: " + why;
  }
  FusedCloningLaunch cloning_ensemble() const override {
    return [this](const FusedCloningProblem& q, uint64_t first, int n, unsigned char* same) { cloning(q, first, n, same); };
  }
  std::string hardware() const override { return cuda_status().device; }
  void normals(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override {
    check_draw(key, max_id(ids, n), step, d, DrawKind::Normal);
    Z.resize(n, d);
    on_device("normals", [&] { cuda::normals(key.seed, uint32_t(key.stream), key.substream, ids, n, step, d, Z.data()); });
  }
  void uniforms(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) const override {
    check_draw(key, max_id(ids, n), step, m, DrawKind::Uniform);
    U.resize(n, m);
    on_device("uniforms", [&] { cuda::uniforms(key.seed, uint32_t(key.stream), key.substream, ids, n, step, m, U.data()); });
  }
  void mixture(const GaussianMixture& g, const Mat& X, Mat* S, Vec* div, Vec* logp) const override {
    const int n = int(X.rows());
    if (S) S->resize(n, g.dim());
    if (div) div->resize(n);
    if (logp) logp->resize(n);
    const MixtureArrays a{g.K(), g.dim(), g.weights.data(), g.means.data(), g.vars.data()};
    on_device("mixture", [&] {
      cuda::mixture(a, X.data(), n, S ? S->data() : nullptr, div ? div->data() : nullptr, logp ? logp->data() : nullptr);
    });
  }
  void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) const override {
    check_fused_taep_draws(p, first, n);
    on_device("TAEP", [&] { cuda::taep_mixture(p, first, n, out); });
  }
  void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) const override {
    check_fused_cloning_draws(p, first, n);
    on_device("cloning", [&] { cuda::cloning(p, first, n, same); });
  }

 private:
  static uint64_t max_id(const uint64_t* ids, int n) {
    uint64_t m = 0;
    for (int i = 0; i < n; ++i) m |= ids[i];
    return m;
  }
};

CudaStatus probe_status() {
  CudaStatus s;
  s.compiled = true;
  const cuda::DeviceInfo info = cuda::probe(ranks().local_rank);
  s.available = info.available;
  s.reason = info.reason;
  if (info.available)
    s.device = fmt::format("{} ({:.1f} GiB, sm_{}{}, {} SMs; device {})", info.name, double(info.memory) / (1ull << 30),
                           info.major, info.minor, info.multiprocessors, info.index);
  return s;
}

}  // namespace

const CudaStatus& cuda_status() {
  static const CudaStatus s = probe_status();
  return s;
}

const Platform* cuda_platform() {
  static const CudaPlatform p;
  return cuda_status().available ? &p : nullptr;
}

const Platform* cuda_platform(PlatformInfo* info) {
  const Platform* p = cuda_platform();
  if (info) {
    info->ensembles_on_device = true;
    if (!p) info->why = cuda_status().reason;
  }
  return p;
}

#else

const CudaStatus& cuda_status() {
  static const CudaStatus s{false, false,
                            "this thermodiff was built without CUDA (nvcc not found when CMake configured it, or "
                            "-DTHERMODIFF_CUDA=OFF)",
                            ""};
  return s;
}

const Platform* cuda_platform() { return nullptr; }

const Platform* cuda_platform(PlatformInfo* info) {
  if (info) info->why = cuda_status().reason, info->ensembles_on_device = true;
  return nullptr;
}

#endif

}  // namespace td
