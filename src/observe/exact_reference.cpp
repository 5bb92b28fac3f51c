#include "observe/exact_reference.hpp"

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"

namespace td {

ExactReference exact_reference(const Process& process, const Score& target, const Score& model,
                               const MarginalSampler& sample, int64_t samples, RngKey transition) {
  if (!target.has_log_density() || !model.has_log_density())
    throw InputError("exact reference needs log-densities of target and model");
  const double t0 = process.t_min(), T = process.T();
  double a, b;
  process.transition(t0, T, a, b);
  std::vector<double> l0(static_cast<size_t>(samples)), lT(static_cast<size_t>(samples));
  const auto block = [&](const uint64_t* ids, int n, int n_valid, int64_t first) {
    Mat X0, Z, XT;
    Vec p, q;
    sample(t0, ids, n, 0, X0);
    normal_block(transition, ids, n, 0, target.dim(), Z);
    XT = a * X0 + b * Z;
    target.log_density(X0, t0, p);
    model.log_density(X0, t0, q);
    const Vec d0 = p - q;
    target.log_density(XT, T, p);
    model.log_density(XT, T, q);
    for (int i = 0; i < n_valid; ++i) {
      l0[size_t(first + i)] = d0[i];
      lT[size_t(first + i)] = p[i] - q[i];
    }
  };
  distributed_ensemble(EnsembleSpec{samples, 1024}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                       {items(l0, 0, samples), items(lT, 0, samples)});  // under mpirun, this rank's part; the values gathered
  Moments m0, mT, ms;
  for (int64_t i = 0; i < samples; ++i) {
    m0.add(l0[size_t(i)]);
    mT.add(lT[size_t(i)]);
    ms.add(l0[size_t(i)] - lT[size_t(i)]);
  }
  ExactReference r;
  r.samples = samples;
  r.kl = {m0.mean(), m0.mean_se()};
  r.relvar = {m0.variance(), m0.variance_se()};
  r.kl_T = {mT.mean(), mT.mean_se()};
  r.sigma_mean = {ms.mean(), ms.mean_se()};
  r.sigma_var = {ms.variance(), ms.variance_se()};
  return r;
}

}  // namespace td
