#include "sim/fused_cloning_setup.hpp"

#include "core/interrupt.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace td {

FusedCloningSetup::FusedCloningSetup(const GaussianMixture& data, const Process& p, const TimeGrid& grid,
                                     const std::vector<int>& branch_steps, ReverseScheme scheme, uint64_t seed,
                                     uint64_t clone_stride, const std::vector<double>* fine_weights)
    : data_(data), branch_steps_(branch_steps) {
  for (int s = 0; s < grid.steps(); ++s) {  // the coefficients exactly as reverse_step computes them
    const double t1 = grid.t(s + 1), t0 = grid.t(s), h = t1 - t0, g2 = p.g2(t1);
    steps_.push_back({h, p.drift_coef(t1), g2, std::sqrt(g2) * std::sqrt(h), std::sqrt(p.step_noise(t0, t1).w),
                      p.drift_coef(t0), p.g2(t0), p.alpha(t1), p.sigma2(t1), p.alpha(t0), p.sigma2(t0)});
  }
  if (fine_weights) {  // CoarsenedNoise's weights, coarse step s from fine steps 2s and 2s + 1
    const std::vector<double>& w = *fine_weights;
    for (int s = 0; s < grid.steps(); ++s) {
      const size_t a = size_t(2 * s);
      if (a + 1 >= w.size()) {
        ca_.push_back(1), cb_.push_back(0);
        continue;
      }
      const double sum = std::sqrt(w[a] + w[a + 1]);
      ca_.push_back(std::sqrt(w[a]) / sum), cb_.push_back(std::sqrt(w[a + 1]) / sum);
    }
  }
  FusedCloningProblem& q = problem_;
  q.d = data_.dim();
  q.K = data_.K();
  q.steps = grid.steps();
  q.branches = int(branch_steps_.size());
  q.heun = scheme == ReverseScheme::Heun;
  q.step = steps_.data();
  q.branch_step = branch_steps_.data();
  q.data = {data_.K(), data_.dim(), data_.weights.data(), data_.means.data(), data_.vars.data()};
  q.prior_sd = std::sqrt(p.prior_var());
  q.end_alpha = p.alpha(grid.t_min());
  q.end_sigma2 = p.sigma2(grid.t_min());
  q.seed = seed;
  q.prior_stream = uint32_t(Stream::Prior);
  q.main_stream = uint32_t(Stream::Reverse);
  q.clone_stream = uint32_t(Stream::Clone);
  q.clone_stride = clone_stride;
  if (fine_weights) q.ca = ca_.data(), q.cb = cb_.data();
}

void check_fused_cloning_draws(const FusedCloningProblem& p, uint64_t first, int n) {
  const uint64_t last = first + uint64_t(std::max(n, 1)) - 1, fine_steps = uint64_t(p.steps) * (p.ca ? 2 : 1);
  check_draw(RngKey{p.seed, Stream(p.prior_stream)}, last, 0, p.d, DrawKind::Normal);
  check_draw(RngKey{p.seed, Stream(p.main_stream)}, last, fine_steps, p.d, DrawKind::Normal);
  check_draw(RngKey{p.seed, Stream(p.clone_stream)}, last, uint64_t(std::max(p.branches, 1)) * p.clone_stride, p.d,
             DrawKind::Normal);
}

void fused_cloning_host(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same, bool threads) {
  check_fused_cloning_draws(p, first, n);
  const int vectors = fused_cloning_vectors();
#pragma omp parallel if (threads)
  {  // pure arithmetic: nothing to throw; a requested stop skips the samples left (thrown below)
    std::vector<double> vec(size_t(vectors) * size_t(p.d)), r(size_t(p.K));
    std::vector<int> cls(size_t(std::max(p.branches, 1)));
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < n; ++i)
      if (!interrupt_requested()) fused_cloning_sample(p, first + uint64_t(i), i, n, vec.data(), 1, r.data(), cls.data(), same);
  }
  throw_if_interrupted();
}

}  // namespace td
