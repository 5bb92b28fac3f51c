#pragma once
// Entropy rates along the forward process (Kodama & Hinczewski; FORMULAS §3), plug-in convention,
// expectations over x_t = alpha x_0 + sigma z with x_0 from the data:
//   intrinsic  S_i = g^2/2 E|s|^2 >= 0
//   exchange   S_e = g^2 E[div s]          (exact divergence or Hutchinson)
//              S_e = g^2 E[s(x_t) . z] / sigma   (Jacobian-free, Gaussian integration by parts)
//   system     S   = S_i + S_e;   forward  S_fwd = E[div f] + S_i = d a(t) + S_i
// on a grid that is half geometric in t (dense near t_min) and half uniform, with per-node Monte
// Carlo standard errors, and their time integrals by the trapezoid rule (nodes independent:
// SE^2 = sum w^2 se^2).
// With the exact score of a VE process S_e = -2 S_i (E div s = -E|s|^2).
//
// The likelihood bound: NLL >= (S0 + S1)/2 - 1/2 int S_fwd dt (S0 data entropy, S1 the prior's).
#include <vector>

#include "data/data_fn.hpp"
#include "observe/sm_objective.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

struct EntropyRateOptions {
  int nodes = 200;            // grid nodes: half geometric, half uniform on [t_lo, t_hi]
  int samples = 4000;         // samples of p_t per node (sample ids node * samples + i)
  int hutchinson_probes = 0;  // S_e by the divergence: exact (0) or Hutchinson with k probes
  uint64_t seed = 1;
  double t_lo = 0, t_hi = 0;  // 0: the process's t_min and T
};

struct RateCurve {
  std::vector<double> value, se;  // per node [nats per unit t]
  Estimate integral;              // over [t_lo, t_hi] [nats]
};

struct EntropyRates {
  std::vector<double> t;
  RateCurve intrinsic, exchange, exchange_z, system, forward;
  std::vector<double> ratio;  // S_e / S_i per node (divergence estimator)
};

EntropyRates entropy_rates(const Process& process, const Score& score, const DataFn& data, const EntropyRateOptions& opt);

struct LikelihoodBound {
  double S0 = 0, S1 = 0;  // data and prior entropies [nats]
  Estimate bound;         // (S0 + S1)/2 - 1/2 int S_fwd dt [nats]
  double clamped = 0;     // max(S0, bound)
};
LikelihoodBound likelihood_bound(double S0, double S1, const Estimate& forward_integral);

// Entropy of the process prior N(0, prior_var I) in d dimensions [nats].
double prior_entropy(const Process& process, int d);

}  // namespace td
