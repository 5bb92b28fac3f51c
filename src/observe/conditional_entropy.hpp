#pragma once
// Conditional entropy rates of generation (Stancevic & Ambrogioni; docs §5.1). Rates are per
// unit of the process's own time t; with EDM-equivalent noise sigma~ = sigma/alpha and
// nu^2 = d sigma~^2/dt = g^2/alpha^2 the paper's formulas become process-independent:
//   score norm (eq 19)       dH[y|x_t]/dt = g^2/2 (d/sigma^2 - E|s|^2)
//   divergence (eq 56)                    = g^2/2 (E div s + d/sigma^2)    (Delta div = E div~ - div~_1)
//   posterior variance (eq 33)            = g^2 alpha^2/(2 sigma^4) E tr Var(x_0|x_t)
//   x0-prediction error                   = g^2 alpha^2/(2 sigma^4) E|x_0 - x0_hat(x_t)|^2,
//       x0_hat = (x_t + sigma^2 s)/alpha (Tweedie); exact for the true score, an upper bound for a
//       model (excess g^2/2 E|s_theta - s|^2)
//   marginal                 dH[x~_t]/dt  = -g^2/2 E div s   (entropy of x~ = x/alpha)
// so marginal + conditional = g^2 d/(2 sigma^2) (docs §5.1 check). Also the Fisher information
// trace E tr I~ = d/sigma~^2 + alpha^2 E div s (EDM units) and, for scores with a Jacobian, the
// mean sorted eigenvalue spectrum of ds/dx (local Lyapunov spectrum, x units).
#include <vector>

#include "data/data_fn.hpp"
#include "data/mixture.hpp"
#include "observe/entropy_rates.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

struct ConditionalEntropyOptions {
  int nodes = 200;            // grid nodes on [t_lo, t_hi]
  GridKind grid = GridKind::Mixed;  // their kind (experiments: the process's default, [grid])
  double rho = 7.0;
  int samples = 4000;         // samples (x_0, z) per node
  int hutchinson_probes = 0;  // divergence exact (0) or Hutchinson with k Rademacher probes
  int spectrum_samples = 0;   // samples per node whose Jacobian spectrum is taken (0: none)
  uint64_t seed = 1;
  double t_lo = 0, t_hi = 0;  // 0: the process's t_min and T
};

struct ConditionalEntropyRates {
  std::vector<double> t, sigma_tilde;  // nodes and sigma/alpha there
  RateCurve score_norm, divergence, x0_error, marginal;  // [nats per unit t]
  RateCurve posterior_var;             // only with mixture data (else empty)
  std::vector<double> total;           // g^2 d / (2 sigma^2): marginal + conditional
  std::vector<double> div, div_se;     // E div s [1/x^2]
  std::vector<double> fisher_trace;    // E tr I~ [1/x~^2]
  Mat spectrum;                        // nodes x d mean eigenvalues of ds/dx, ascending (if asked)
};

// `data` draws x_0 by sample id; `mixture`, when the data is a Gaussian mixture, adds the exact
// posterior-variance estimator.
ConditionalEntropyRates conditional_entropy_rates(const Process& process, const Score& score, const DataFn& data,
                                                  const ConditionalEntropyOptions& opt,
                                                  const GaussianMixture* mixture = nullptr);

// Two deltas at +-a (1-D): dH[y|x]/d ln sigma~ = kappa (1 - E tanh^2(kappa + sqrt(kappa) Z)),
// kappa = a^2 / sigma~^2 (Gauss-Hermite), and H[y|x] itself, both closed forms for the tests.
double two_delta_entropy_slope(double a, double sigma_tilde);
double two_delta_entropy(double a, double sigma_tilde);

}  // namespace td
