#pragma once
// Time-asymmetry entropy production of score matching (Ding, Quan, Tu; docs §2).
// Per trajectory, on the forward path stepped by the exact Gaussian transition (sim/ensemble.hpp):
//   Sigma = sum_n w_n [J(s_theta) - J(s*)](x_n, t_n)           (kernel part, w_n = int g^2 dt)
//         + sum_n (s_theta - s*)(x_n, t_n) . int g dW         (noise part, Ito pre-point)
// with Hyvarinen's kernel J(s) = div s + |s|^2 / 2 and s* the data's exact score. The path is exact
// in law; the remaining error is the pre-point quadrature's, O(dt) in the mean, estimated by the
// same sum on the grid of twice the step with the same noise (sigma_coarse; docs/discretization.md).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/stats.hpp"
#include "core/time_grid.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "sim/ensemble.hpp"

namespace td {

// Ito is eq. 28. Midpoint pairs the Hyvarinen kernel with a trapezoidal (Stratonovich) noise
// product; it is WRONG and exists only as the negative control the tests use.
enum class NoiseProduct { Ito, Midpoint };

struct TaepOptions {
  NoiseProduct product = NoiseProduct::Ito;
  // Per model: 0 = exact divergence; k > 0 = Hutchinson with k Rademacher probes drawn from
  // (probes_key, trajectory, step), the same for every model (the model must be a NetworkScore).
  std::vector<int> hutchinson_probes;
  RngKey probes_key{1, Stream::TaepProbes};
  // The target's divergence: exact (0) or Hutchinson with k probes (a NetworkScore target, e.g. the
  // final model standing in for the optimal score). Its probes are the models' first k probes, so
  // div s_theta - div s* is estimated with common random numbers.
  int target_hutchinson_probes = 0;
};

// Per-trajectory values of one model, indexed by trajectory id.
struct TaepTrajectories {
  std::vector<double> sigma, kernel, noise;
  // Sigma on the grid of every other node, the same paths and noise (Ito product only; else empty).
  std::vector<double> sigma_coarse;
  // For exact-score-field models (log-densities known): ln(p/q)(x_tmin) - ln(p/q)(x_T) on the
  // same path (docs §2.5); empty otherwise.
  std::vector<double> exact;
  // Hutchinson models: the variance that the probes add to Sigma, sum_n (g^2 dt)^2 Var(div estimate).
  std::vector<double> hutchinson_var;
};

// All models are evaluated on the same forward paths (common random numbers); the paths depend
// only on the target. `init` draws x_{t_min} ~ p_{t_min}.
std::vector<TaepTrajectories> run_taep(const Process& process, const TimeGrid& grid, const Score& target,
                                       const std::vector<const Score*>& models, const EnsembleSpec& spec,
                                       const InitFn& init, const NoiseSource& noise,
                                       const TaepOptions& opt = {});

struct TaepSummary {
  int64_t n = 0;
  double mean = 0, mean_se = 0, var = 0, var_se = 0, k3 = 0, k4 = 0;
  double ift = 0, ift_se = 0, ift_ess = 0;  // <exp(-Sigma)> with SE and effective sample size
  bool ift_reliable = false;                // Var Sigma <= 2 (docs §2.4)
  double kernel_mean = 0, kernel_mean_se = 0, noise_mean = 0, noise_mean_se = 0;
  double hutchinson_var = 0;  // mean probe variance per trajectory (0 for exact divergences)
  // Discretization errors: the leading error of each value, estimated as value(2 dt) - value(dt) on the
  // same noise (first-order sum, Richardson: value - dt_error is the extrapolation); NaN if not estimated.
  double mean_dt = NAN, var_dt = NAN, k3_dt = NAN, k4_dt = NAN, ift_dt = NAN;
};
TaepSummary summarize_taep(const TaepTrajectories& tr);

// Plain scalar reference: one trajectory at a time, strict double, reference mixture kernels
// (given as the scores), no blocks, no threads. The oracle for run_taep.
TaepTrajectories run_taep_reference(const Process& process, const TimeGrid& grid, const Score& target,
                                    const Score& model, int64_t trajectories, const InitFn& init,
                                    const NoiseSource& noise, const TaepOptions& opt = {});

}  // namespace td
