#pragma once
// The score-matching objective 1/2 int g^2 E_{p_t} |s_theta - s*|^2 dt (docs §2.4, eq. 33),
// estimated independently of the TAEP paths: fresh exact samples x ~ p_{t_n} at every node of a
// grid (T included), trapezoid rule (second order: a reference for the first-order TAEP sum).
#include <cstdint>
#include <functional>

#include "core/rng.hpp"
#include "core/time_grid.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "sim/ensemble.hpp"

namespace td {

// Draws exact samples of p_t for ids (n x d). `step` distinguishes the time nodes.
using MarginalSampler = std::function<void(double t, const uint64_t* ids, int n, uint64_t step, Mat& X)>;

// Exact sampler of the marginal p_t of mixture data `gm` under `process`, drawing from `key`.
MarginalSampler mixture_marginal_sampler(const GaussianMixture& gm, const Process& process, RngKey key);

struct Estimate {
  double value = 0, se = 0;
};

// Also returns the rate profile d<Sigma>/dt = 1/2 g^2 E|s_theta - s*|^2 at each node (eq. 34).
struct SmObjective {
  Estimate total;
  std::vector<double> t, rate, rate_se;
};

SmObjective sm_objective(const Process& process, const TimeGrid& grid, const Score& target, const Score& model,
                         const MarginalSampler& sample, int samples_per_node);

}  // namespace td
