#include "observe/sm_objective.hpp"

#include <cmath>

#include "core/quadrature.hpp"
#include "core/stats.hpp"
#include "core/parallel.hpp"

namespace td {

MarginalSampler mixture_marginal_sampler(const GaussianMixture& gm, const Process& process, RngKey key) {
  return [gm, process, key](double t, const uint64_t* ids, int n, uint64_t step, Mat& X) {
    sample_mixture(gm.marginal(process.alpha(t), process.sigma2(t)), key, ids, n, step, X);
  };
}

SmObjective sm_objective(const Process& process, const TimeGrid& grid, const Score& target, const Score& model,
                         const MarginalSampler& sample, int samples_per_node) {
  const int N = grid.steps() + 1;  // nodes, T included
  const std::vector<double> weight = trapezoid_weights(grid.times());
  // err[n][i] = |s_theta - s*|^2 at sample i of node n; nodes run in parallel as "trajectories".
  std::vector<Moments> node(N);
  const int per = samples_per_node;
  std::vector<double> vals(size_t(N) * size_t(per));  // node n's samples at [n per, (n + 1) per)
  // One batch per node, ids node * m + i; results are stored per node and reduced in order. Under
  // mpirun each rank takes a contiguous run of nodes.
  distributed_loop(0, N, 1, [&](int64_t lo, int64_t hi) {
    ParallelFailure failure;
#pragma omp parallel for schedule(dynamic, 1)
    for (int n = int(lo); n < int(hi); ++n)
      failure.run(n, [&] {
      const int m = (samples_per_node + kLanes - 1) / kLanes * kLanes;
      std::vector<uint64_t> ids(m);
      for (int i = 0; i < m; ++i) ids[i] = uint64_t(n) * uint64_t(m) + uint64_t(i);
      Mat X, St, Sm;
      const double t = grid.t(n);
      sample(t, ids.data(), m, uint64_t(2 * n), X);
      target.score(X, t, St);
      model.score(X, t, Sm);
      const Vec e = (Sm - St).rowwise().squaredNorm();
      for (int i = 0; i < per; ++i) vals[size_t(n) * size_t(per) + size_t(i)] = e[i];
    });
    failure.rethrow();
  }, {items(vals, 0, N, per)});
  SmObjective out;
  double total = 0, var = 0;
  for (int n = 0; n < N; ++n) {
    for (int i = 0; i < per; ++i) node[n].add(vals[size_t(n) * size_t(per) + size_t(i)]);
    const double t = grid.t(n), c = 0.5 * process.g2(t);
    out.t.push_back(t);
    out.rate.push_back(c * node[n].mean());
    out.rate_se.push_back(c * node[n].mean_se());
    total += c * weight[size_t(n)] * node[n].mean();
    const double se = c * weight[size_t(n)] * node[n].mean_se();
    var += se * se;
  }
  out.total = {total, std::sqrt(var)};
  return out;
}

}  // namespace td
