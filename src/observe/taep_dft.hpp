#pragma once
// Detailed fluctuation theorem P(Sigma) / P~(-Sigma) = e^Sigma (docs §2.4). The reverse sampler
// (model score) runs from the forward final law p_T down to t_min; on each generated path, read
// forward in time, the same functional is evaluated in its dx form:
//   Sigma = sum_n g^2 dt [J(s_theta) - J(s*)](x_n, t_n) + (s_theta - s*)(x_n, t_n) . (x_{n+1} - x_n - f dt).
// Then P(sigma) = e^sigma P_Q(sigma), P_Q the law of Sigma on reverse paths; also <e^Sigma>_Q = 1.
#include <vector>

#include "core/stats.hpp"
#include "observe/taep.hpp"

namespace td {

std::vector<double> run_taep_on_reverse_paths(const Process& process, const TimeGrid& grid, const Score& target,
                                              const Score& model, const EnsembleSpec& spec, const InitFn& init_T,
                                              const NoiseSource& noise, ReverseScheme scheme = ReverseScheme::EulerMaruyama);

struct DftCheck {
  double slope = 0, slope_se = 0;    // fit of ln P(s) - ln P_Q(s) = slope * s + c (expect slope 1)
  double intercept = 0;
  double ift_reverse = 0, ift_reverse_se = 0, ift_reverse_ess = 0;  // <e^Sigma> over reverse paths
  std::vector<double> centers, log_ratio, log_ratio_se;           // per common bin
  Histogram forward, reverse;                                      // on common edges
};

// Bins with at least `min_count` entries in both histograms enter the weighted fit.
DftCheck dft_check(const std::vector<double>& forward, const std::vector<double>& reverse, int bins = 40,
                   int min_count = 20);

}  // namespace td
