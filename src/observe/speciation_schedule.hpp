#pragma once
// The speciation-aware schedule: its levels follow V_h(t), the variance of the pathwise conditional
// entropy (observe/pathwise_entropy.hpp), which peaks where trajectories commit to a class
// (speciation), with a floor share of the levels uniform in log sigma~ (process/schedules.hpp,
// density_schedule). For Gaussian-mixture data, whose posterior V_h needs.
#include <vector>

#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

// n levels from T to t_min of `p`; V_h from `samples` exact draws at each of `nodes` times uniform in
// log sigma~ (Stream::Entropy of `seed`).
std::vector<double> speciation_times(const Process& p, const GaussianMixture& data, int n, int nodes, int samples,
                                     uint64_t seed, double floor);

}  // namespace td
