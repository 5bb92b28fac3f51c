#pragma once
// Entropy rates along the forward process (Kodama & Hinczewski; docs §3), plug-in convention,
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
// Given the exact score s, the score-error rate g^2/4 E|s_theta - s|^2 on the same samples gives the
// gap's decomposition G = NLL - bound = (CE1 - S1) + 1/4 int g^2 E|s_theta - s|^2 + residual, the
// residual being the error of the plug-in convention (expectations over p_t rather than along the
// model's own flow). The bound and this identity hold only in that convention: for
// s_theta = (1 + eps) s the bound moves linearly in eps while the NLL moves as eps^2, so the bound
// is exceeded for small eps < 0 (test_entropy_rates.cpp measures it).
#include <vector>

#include "data/data_fn.hpp"
#include "observe/sm_objective.hpp"
#include "process/grids.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

// The nodes of a rate estimator: `nodes` points of a grid of `kind` on [lo, hi] (the process's
// noise-level grids, docs/discretization.md#grids; mixed: half geometric, half uniform).
std::vector<double> rate_nodes(const Process& process, GridKind kind, double rho, int nodes, double lo, double hi);

struct EntropyRateOptions {
  int nodes = 200;            // grid nodes on [t_lo, t_hi]
  GridKind grid = GridKind::Mixed;  // their kind (experiments: the process's default, [grid])
  double rho = 7.0;
  int samples = 4000;         // samples of p_t per node (sample ids node * samples + i)
  int hutchinson_probes = 0;  // S_e by the divergence: exact (0) or Hutchinson with k probes
  uint64_t seed = 1;
  double t_lo = 0, t_hi = 0;  // 0: the process's t_min and T
};

struct RateCurve {
  std::vector<double> value, se;  // per node [nats per unit t]
  Estimate integral;              // over [t_lo, t_hi] [nats]
  double integral_dt = 0;         // its quadrature error: (I on every other node - I) / 3 [nats]
};
// Sets c.integral and c.integral_dt by the trapezoid rule on the nodes t (nodes independent:
// SE^2 = sum w^2 se^2). The rule is second order, so the every-other-node rule's difference
// over 2^2 - 1 is the leading error of the fine one (docs/discretization.md#quadrature).
void integrate(RateCurve& c, const std::vector<double>& t);

struct EntropyRates {
  std::vector<double> t;
  RateCurve intrinsic, exchange, exchange_z, system, forward;
  RateCurve score_error;      // g^2/4 E|s_theta - s|^2, when the exact score is given (else empty)
  std::vector<double> ratio;  // S_e / S_i per node (divergence estimator)
};

// The samples of node `node` of a forward-process rate estimator, for block ids[0..n): sample ids
// node * samples + ids[i], x_0 from `data`, z from keys.noise, x_t = alpha x_0 + sigma z, and the
// score and divergence there (Hutchinson with `probes` Rademacher probes from keys.probes, exact
// when 0). Shared by the entropy-rate and conditional-entropy estimators.
struct NodeSamples {
  Mat X0, Z, Xt, S;
  Vec div;
};
struct NodeKeys {
  RngKey noise, probes;
};
// The keys of the forward-process rate estimators: Stream::Entropy and Stream::EntropyProbes.
NodeKeys node_keys(uint64_t seed);
void node_samples(const Score& score, const DataFn& data, const NodeKeys& keys, int probes, size_t node, size_t samples,
                  const uint64_t* ids, int n, double t, double alpha, double sigma, NodeSamples& out);

EntropyRates entropy_rates(const Process& process, const Score& score, const DataFn& data, const EntropyRateOptions& opt,
                           const Score* exact = nullptr);

struct LikelihoodBound {
  double S0 = 0, S1 = 0;  // data and prior entropies [nats]
  Estimate bound;         // (S0 + S1)/2 - 1/2 int S_fwd dt [nats]
  double clamped = 0;     // max(S0, bound)
};
LikelihoodBound likelihood_bound(double S0, double S1, const Estimate& forward_integral);

// Entropy of the process prior N(0, prior_var I) in d dimensions [nats].
double prior_entropy(const Process& process, int d);
// CE1 - S1 = E_{p_T}[-ln pi] - H(pi) for the Gaussian prior, from the data's second moment
// E|x_0|^2: (alpha(T)^2 E|x_0|^2 + d sigma(T)^2 - d v) / (2 v), v = prior_var [nats].
double prior_mismatch(const Process& process, int d, double data_second_moment);

// The plug-in NLL: the PF-ODE's NLL integrand with expectations over the data's forward marginals
// p_t instead of along the model's own flow,
//   NLL_plugin = CE1 - int E[div f] dt + 1/2 int g^2 E_{p_t}[div s_theta] dt
//              = CE1 - d ln(alpha(t_hi)/alpha(t_lo)) + 1/2 int S_e dt,
// CE1 = E_{p_T}[-ln pi] = S1 + prior_mismatch, the integral over the rates' window [t_lo, t_hi].
// It is the NLL the bound constrains: NLL_plugin - bound = (CE1 - S1)/2 + (CE1 - H(p_T))/2
// + 1/4 int g^2 E|s_theta - s|^2 dt >= (CE1 - S1)/2 (integration by parts, E div s_theta = -E s_theta.s).
// The true NLL departs from it by the plug-in error: its x_t follows the model's flow, not p_t.
Estimate plugin_nll(const Process& process, int d, double ce1, const EntropyRates& rates);

struct GapDecomposition {
  double gap = 0;          // NLL - bound [nats]
  double prior = 0;        // CE1 - S1
  Estimate score_error;    // 1/4 int g^2 E|s_theta - s|^2 dt
  double residual = 0;     // gap - prior - score_error: the plug-in convention's error
};
GapDecomposition decompose_gap(double nll, const LikelihoodBound& bound, double prior, const Estimate& score_error);

}  // namespace td
