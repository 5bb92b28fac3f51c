#pragma once
// The fused cloning sample (sim/fused_cloning.hpp) set up from the engine's objects, and its host
// launch. A FusedCloningSetup owns the arrays a FusedCloningProblem points into.
#include <vector>

#include "core/rng.hpp"
#include "core/time_grid.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "sim/ensemble.hpp"
#include "sim/fused_cloning.hpp"

namespace td {

class FusedCloningSetup {
 public:
  // The cloning run of observe/speciation.cpp on `grid` (branch steps descending), the main noise
  // (seed, Reverse), clones (seed, Clone) at b * clone_stride + u, the prior (seed, Prior); with
  // `fine_weights` (w of the fine grid's steps) the grid is the coupled coarse one of the dt error.
  FusedCloningSetup(const GaussianMixture& data, const Process& process, const TimeGrid& grid,
                    const std::vector<int>& branch_steps, ReverseScheme scheme, uint64_t seed, uint64_t clone_stride,
                    const std::vector<double>* fine_weights = nullptr);
  const FusedCloningProblem& problem() const { return problem_; }

 private:
  GaussianMixture data_;
  std::vector<ReverseCoef> steps_;
  std::vector<int> branch_steps_;
  std::vector<double> ca_, cb_;
  FusedCloningProblem problem_;
};

// Throws unless every draw of samples [first, first + n) is within the counter's range.
void check_fused_cloning_draws(const FusedCloningProblem& p, uint64_t first, int n);
// The host launch of samples first .. first + n - 1 (OpenMP when `threads`): same[b n + i].
void fused_cloning_host(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same, bool threads);

}  // namespace td
