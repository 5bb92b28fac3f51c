#pragma once
// Trajectory entropy production of the forward process and of the reverse generative process
// (Yu & Huang; docs §4), for mixture data under any linear-drift process f = a(t) x with
// diffusion D(t) = g^2/2 (OU: f = -x, D = 1):
//   forward  x_0 ~ p_0, exact transitions to T; system dS = ln p(x_0, t_0) - ln p(x_N, T)
//            medium dS_E = sum f(x_mid, t_mid) . dx / D(t_mid)   (Stratonovich midpoint)
//   reverse  x~_0 ~ p_T, x~ <- x~ + b dt + g sqrt(dt) z with b = -f + g^2 s (forward time running
//            down); system dS = ln p_T(x~_0) - ln p(x~_end, t_min); medium sum b(x_mid, t_mid) . dx / D
// and dS_tot = dS + dS_E with <exp(-dS_tot)> = 1 (integral fluctuation theorem) in both directions.
// The pre-point rule (drift at the step's start) is kept as the negative control: it breaks the IFT.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/stats.hpp"
#include "core/time_grid.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "sim/ensemble.hpp"

namespace td {

enum class MediumRule { Midpoint, PrePoint };

struct TrajectoryEntropyOptions {
  int64_t trajectories = 10000;
  MediumRule rule = MediumRule::Midpoint;
  uint64_t seed = 1;
  bool keep = true;  // keep the per-trajectory values (histograms, convergence curves)
  ReverseScheme scheme = ReverseScheme::EulerMaruyama;  // the reverse leg's integrator
  bool dt_error = true;  // also run on the grid of twice the step with the coupled noise
};

struct TrajectoryEntropy {
  Moments system, medium, total;  // dS, dS_E, dS_tot [nats]
  LogMeanExp ift;                 // of -dS_tot: <e^{-dS_tot}> with SE and ESS
  std::vector<double> dS, dS_E, dS_tot;  // per trajectory (if kept)
  // Discretization errors, value(2 dt) - value(dt) on the coupled noise (NaN unless estimated).
  double total_mean_dt = NAN, ift_dt = NAN;
};

// Forward: x_0 from `data` exactly; the density of the marginal mixture at both ends.
TrajectoryEntropy forward_trajectory_entropy(const GaussianMixture& data, const Process& process, const TimeGrid& grid,
                                             const TrajectoryEntropyOptions& opt);
// Reverse: x~_0 from the exact marginal at grid.T, driven by `score` (exact: the data's).
TrajectoryEntropy reverse_trajectory_entropy(const GaussianMixture& data, const Process& process, const Score& score,
                                             const TimeGrid& grid, const TrajectoryEntropyOptions& opt);

}  // namespace td
