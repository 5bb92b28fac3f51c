#include "platform/taep_ensemble.hpp"

#include "core/error.hpp"
#include "score/mixture_score.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {
const MixtureScore* as_mixture(const Score* s) { return s->mixture(); }
}  // namespace

std::string fused_taep_unsupported(const Score& target, const std::vector<const Score*>& models, const TaepOptions& opt) {
  if (opt.product != NoiseProduct::Ito) return "the midpoint noise product (a negative control) has no fused kernel";
  if (!as_mixture(&target)) return "the target is not an exact mixture score";
  for (const Score* m : models)
    if (!as_mixture(m)) return "model '" + m->describe() + "' is not an exact mixture score (networks run through LibTorch)";
  return "";
}

std::vector<TaepTrajectories> run_taep_fused(const Platform& platform, const Process& process, const TimeGrid& grid,
                                             const Score& target, const std::vector<const Score*>& models,
                                             const EnsembleSpec& spec, const RngKey& init, const RngKey& noise) {
  if (const std::string why = fused_taep_unsupported(target, models, {}); !why.empty()) throw RunError("fused TAEP: " + why);
  std::vector<GaussianMixture> mixtures;
  for (const Score* m : models) mixtures.push_back(as_mixture(m)->data());
  const FusedTaepSetup setup(process, grid, as_mixture(&target)->data(), mixtures, init, noise);
  const int M = int(models.size());
  std::vector<TaepTrajectories> out(models.size());
  const auto [lo, hi] = ensemble_range(spec);
  std::vector<ItemArray> fields;
  for (TaepTrajectories& o : out)
    for (auto* v : {&o.sigma, &o.kernel, &o.noise, &o.sigma_coarse, &o.exact}) {
      v->assign(size_t(spec.trajectories), 0.0);
      fields.push_back(items(*v, lo, hi));
    }
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {  // under mpirun, this rank's part
    const auto [a, b] = ensemble_range(part);
    const int n = int(b - a);
    if (n <= 0) return;
    FusedTaepResults r;
    r.resize(M, n);
    platform.taep_mixture(setup.problem(), uint64_t(a), n, r.out());
    for (int m = 0; m < M; ++m) {
      TaepTrajectories& o = out[size_t(m)];
      for (int i = 0; i < n; ++i) {
        const size_t at = size_t(m) * size_t(n) + size_t(i), id = size_t(a + i);
        o.kernel[id] = r.kernel[at];
        o.noise[id] = r.noise[at];
        o.sigma[id] = r.kernel[at] + r.noise[at];
        o.sigma_coarse[id] = r.coarse[at];
        o.exact[id] = r.exact[at];
      }
    }
  }, fields);
  return out;
}

}  // namespace td
