#include "sim/fused_taep_setup.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace td {

FusedTaepSetup::FusedTaepSetup(const Process& process, const TimeGrid& grid, const GaussianMixture& target,
                               const std::vector<GaussianMixture>& models, const RngKey& init, const RngKey& noise) {
  for (int s = 0; s < grid.steps(); ++s) {
    const double t = grid.t(s);
    const StepNoise sn = process.step_noise(t, grid.t(s + 1));
    const double sw = std::sqrt(sn.w);  // as exact_forward_step computes its coefficients
    steps_.push_back({process.alpha(t), process.sigma2(t), sn.a, sn.w, sw, sn.cov / sw,
                      std::sqrt(std::max(0.0, sn.var2 - sn.cov * sn.cov / sn.w))});
  }
  mixtures_.push_back(target);
  for (const GaussianMixture& m : models) {
    if (m.dim() != target.dim()) throw InputError("fused TAEP: a model's dimension differs from the target's");
    mixtures_.push_back(m);
  }
  auto arrays = [](const GaussianMixture& g) {
    return MixtureArrays{g.K(), g.dim(), g.weights.data(), g.means.data(), g.vars.data()};
  };
  int max_K = 0;
  for (const GaussianMixture& g : mixtures_) max_K = std::max(max_K, g.K());
  for (size_t m = 1; m < mixtures_.size(); ++m) model_arrays_.push_back(arrays(mixtures_[m]));
  FusedTaepProblem& p = problem_;
  p.d = target.dim();
  p.steps = grid.steps();
  p.models = int(models.size());
  p.driftless = process.driftless();
  p.step = steps_.data();
  p.target = arrays(mixtures_[0]);
  p.model = model_arrays_.data();
  p.alpha0 = process.alpha(grid.t_min());
  p.sigma2_0 = process.sigma2(grid.t_min());
  p.alpha_T = process.alpha(grid.T());
  p.sigma2_T = process.sigma2(grid.T());
  p.seed = init.seed;
  if (noise.seed != init.seed) throw InputError("fused TAEP: the init and noise keys must share the seed");
  p.init_stream = uint32_t(init.stream);
  p.init_substream = init.substream;
  p.noise_stream = uint32_t(noise.stream);
  p.noise_substream = noise.substream;
  p.max_K = max_K;
}

void FusedTaepResults::resize(int models, int n_) {
  n = n_;
  for (auto* v : {&kernel, &noise, &coarse, &exact}) v->assign(size_t(models) * size_t(n_), 0.0);
}

void check_fused_taep_draws(const FusedTaepProblem& p, uint64_t first, int n) {
  const uint64_t last = first + uint64_t(std::max(n, 1)) - 1;
  check_draw(RngKey{p.seed, Stream(p.init_stream), p.init_substream}, last, p.init_step + 1, p.d, DrawKind::Normal);
  check_draw(RngKey{p.seed, Stream(p.noise_stream), p.noise_substream}, last, uint64_t(std::max(p.steps - 1, 0)),
             p.driftless ? p.d : 2 * p.d, DrawKind::Normal);
}

void fused_taep_host(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out, bool threads) {
  check_fused_taep_draws(p, first, n);
  // The trajectory is pure arithmetic (it cannot throw): no ParallelFailure needed.
#pragma omp parallel if (threads)
  {
    std::vector<double> scratch(size_t(fused_taep_scratch(p)));
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) fused_taep_trajectory(p, first + uint64_t(i), i, n, scratch.data(), out);
  }
}

}  // namespace td
