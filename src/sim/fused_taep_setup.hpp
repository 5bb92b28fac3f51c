#pragma once
// The fused TAEP trajectory (sim/fused_taep.hpp) set up from the engine's objects, and its host
// launch. A FusedTaepSetup owns the arrays a FusedTaepProblem points into; platforms launch the
// problem (platform/: reference serial, cpu with OpenMP, cuda one thread per trajectory).
#include <vector>

#include "core/rng.hpp"
#include "core/time_grid.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "sim/fused_taep.hpp"

namespace td {

class FusedTaepSetup {
 public:
  // TAEP of each model p_0 against the target's, on the forward paths of `process` over `grid` from
  // x_{t_min} ~ p_{t_min} drawn from `init` (at step 0) with noise from `noise`: the identities of
  // run_taep with a mixture_marginal_sampler init and PhiloxNoise.
  FusedTaepSetup(const Process& process, const TimeGrid& grid, const GaussianMixture& target,
                 const std::vector<GaussianMixture>& models, const RngKey& init, const RngKey& noise);
  const FusedTaepProblem& problem() const { return problem_; }

 private:
  std::vector<FusedStep> steps_;
  std::vector<GaussianMixture> mixtures_;  // target, then the models
  std::vector<MixtureArrays> model_arrays_;
  FusedTaepProblem problem_;
};

// Per-trajectory results of trajectories [first, first + n): model m's at [m n + i].
struct FusedTaepResults {
  int n = 0;
  std::vector<double> kernel, noise, coarse, exact;
  void resize(int models, int n_);
  FusedTaepOut out() { return {kernel.data(), noise.data(), coarse.data(), exact.data()}; }
};

// Throws unless every draw of trajectories [first, first + n) is within the counter's range (and
// records the draws in the active RngAudit): every launch calls it first.
void check_fused_taep_draws(const FusedTaepProblem& p, uint64_t first, int n);
// The host launch: trajectories first .. first + n - 1, in parallel with OpenMP when `threads`.
void fused_taep_host(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out, bool threads);

}  // namespace td
