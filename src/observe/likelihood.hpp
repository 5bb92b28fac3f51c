#pragma once
// Exact negative log-likelihood by the probability-flow ODE (docs §3): the state [x, l] is
// integrated from the data (t_min) to the noise end (T),
//   dx/dt = f(x, t) - g^2/2 s(x, t),   dl/dt = div f - g^2/2 div s(x, t),
// and ln p(x_0) = ln pi(x_T) + l(T), pi the prior. The divergence is exact (Score::score_divergence)
// or Hutchinson's estimate with k Rademacher probes drawn once per sample (keyed by the sample's
// id) and held fixed for the whole solve (NetworkScore, or any score with a Jacobian); with two or
// more probes each carries its own integral, so their spread gives the NLL's probe variance.
//
// Solvers: adaptive Dormand-Prince 5(4) with per-sample step control (every sample has its own
// clock and step; error norm = RMS over [x, l] of |y5 - y4| / (atol + rtol max(|y|, |y_new|)),
// as scipy's RK45), or fixed-step RK4 on a uniform grid. A sample that exhausts max_steps or
// needs a step below h_min stops there and is flagged; its values are those of the time reached.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/types.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

enum class OdeSolver { DormandPrince, RK4 };

struct NllOptions {
  OdeSolver solver = OdeSolver::DormandPrince;
  double rtol = 1e-5, atol = 1e-5;
  double h_min = 1e-10;       // smallest step (in t) before a sample is given up
  int64_t max_steps = 100000; // accepted + rejected steps per sample
  int rk4_steps = 1000;       // RK4: uniform steps on [t_min, T]
  int hutchinson_probes = 0;  // 0: exact divergence
  uint64_t seed = 1;          // probes: (seed, Stream::Hutchinson, sample id)
  int block = 64;             // most samples per block (fewer when a batch is small; performance only)
};

// ln pi(X_T) per row.
using LogPriorFn = std::function<void(const Mat& XT, Vec& logp)>;
// The process's prior N(0, prior_var I) (VP/OU: N(0, I); VE/EDM: N(0, sigma(T)^2 I)).
LogPriorFn gaussian_prior(const Process& process, int d);

struct NllResult {
  Vec nll;                      // -ln p(x_0) per sample [nats]
  Vec log_prior, delta;         // ln pi(x_T) and l(T) per sample [nats]
  Mat xT;                       // end states (at the time reached)
  Vec t_reached;                // T unless the sample was given up
  std::vector<int64_t> nfe;     // score evaluations per sample
  std::vector<int64_t> steps;   // accepted steps per sample
  std::vector<char> incomplete; // 1: step budget or h_min hit (partial result)
  // The variance that the Hutchinson probes add to each sample's NLL (the variance of their mean,
  // from one divergence integral per probe): 0 for the exact divergence, NaN with one probe.
  Vec probe_var;
};

// NLL of the rows of X0 (n x d), sample ids first_id, first_id + 1, ...
NllResult pf_ode_nll(const Process& process, const Score& score, const Mat& X0, const NllOptions& opt,
                     const LogPriorFn& prior, uint64_t first_id = 0);

}  // namespace td
