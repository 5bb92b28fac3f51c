#include "observe/speciation_schedule.hpp"

#include <algorithm>

#include "observe/pathwise_entropy.hpp"
#include "process/schedules.hpp"

namespace td {

std::vector<double> speciation_times(const Process& p, const GaussianMixture& data, int n, int nodes, int samples,
                                     uint64_t seed, double floor) {
  std::vector<double> t = baseline_schedule("uniform_log_sigma", p, nodes);
  std::reverse(t.begin(), t.end());  // ascending, exactly t_min .. T
  const EntropyVariance v = pathwise_entropy_forward(data, p, t, samples, seed);
  return density_schedule(p, v.t, v.var, n, floor);
}

}  // namespace td
