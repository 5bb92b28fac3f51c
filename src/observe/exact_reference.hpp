#pragma once
// Exact references for an exact-score-field model q (docs §2.5). With Sigma_exact =
// ln(p/q)(x_{t_min}) - ln(p/q)(x_T) and x_T drawn from the exact transition kernel (no time
// discretization), the mean and variance of the TAEP in continuous time are those of Sigma_exact.
// As T -> infinity they become KL(p||q) and the relative-entropy variance V(p||q) at t_min.
#include <cstdint>

#include "core/rng.hpp"

#include "observe/sm_objective.hpp"

namespace td {

struct ExactReference {
  int64_t samples = 0;
  Estimate kl;          // KL(p_tmin || q_tmin)
  Estimate relvar;      // V(p_tmin || q_tmin) = Var_p ln(p/q)
  Estimate kl_T;        // KL(p_T || q_T)
  Estimate sigma_mean;  // E Sigma_exact = kl - kl_T
  Estimate sigma_var;   // Var Sigma_exact
};

// x_{t_min} from `sample` (which draws its own key), the transition to T from `transition` (its
// own stream, normally Stream::ExactTransition: sharing the sampler's key would tie the noise to
// the component choice).
ExactReference exact_reference(const Process& process, const Score& target, const Score& model,
                               const MarginalSampler& sample, int64_t samples, RngKey transition);

}  // namespace td
