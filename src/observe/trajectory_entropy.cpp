#include "observe/trajectory_entropy.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "score/mixture_score.hpp"
#include "sim/ensemble.hpp"
#include "sim/integrators.hpp"

namespace td {
namespace {

void check(const GaussianMixture& data, const TimeGrid& grid, const TrajectoryEntropyOptions& o, const char* who) {
  data.validate(fmt::format("{}: data", who));
  if (o.trajectories < 1) throw InputError(fmt::format("{}: trajectories must be >= 1", who));
  if (grid.steps < 1 || !(grid.T > grid.t_min) || grid.t_min < 0)
    throw InputError(fmt::format("{}: need steps >= 1 and 0 <= t_min < T", who));
}

// Per-trajectory values of one run, reduced in trajectory order (independent of threads and blocks).
TrajectoryEntropy reduce(std::vector<double>& dS, std::vector<double>& dSE, bool keep) {
  TrajectoryEntropy r;
  std::vector<double> tot(dS.size());
  for (size_t i = 0; i < dS.size(); ++i) {
    tot[i] = dS[i] + dSE[i];
    r.system.add(dS[i]);
    r.medium.add(dSE[i]);
    r.total.add(tot[i]);
    r.ift.add(-tot[i]);
  }
  if (keep) r.dS = std::move(dS), r.dS_E = std::move(dSE), r.dS_tot = std::move(tot);
  return r;
}

}  // namespace

TrajectoryEntropy forward_trajectory_entropy(const GaussianMixture& data, const Process& p, const TimeGrid& grid,
                                             const TrajectoryEntropyOptions& o) {
  check(data, grid, o, "forward trajectory entropy");
  const MixtureScore density(data, p);
  const int d = data.dim();
  const double dt = grid.dt();
  const bool mid = o.rule == MediumRule::Midpoint;
  std::vector<double> dS(size_t(o.trajectories)), dSE(size_t(o.trajectories));
  parallel_blocks({o.trajectories, 256}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
    Mat X, Z, Xn;
    Vec l0, l1;
    sample_mixture(data, {o.seed, Stream::Init}, ids, n, 0, X);
    density.log_density(X, grid.t(0), l0);
    Eigen::ArrayXd medium = Eigen::ArrayXd::Zero(n);
    for (int k = 0; k < grid.steps; ++k) {
      const double t = grid.t(k);
      normal_block({o.seed, Stream::Forward}, ids, n, uint64_t(k), d, Z);
      em_forward_step(p, t, dt, X, Z, Xn);
      // f . dx / D with f = a x: at the midpoint state and time, or at the pre-point.
      const double tm = mid ? t + 0.5 * dt : t, c = p.drift_coef(tm) / (0.5 * p.g2(tm));
      if (mid)
        medium += c * ((Xn - X).array() * (Xn + X).array() * 0.5).rowwise().sum();
      else
        medium += c * ((Xn - X).array() * X.array()).rowwise().sum();
      X.swap(Xn);
    }
    density.log_density(X, grid.T, l1);
    for (int i = 0; i < nv; ++i) {
      dS[size_t(first + i)] = l0[i] - l1[i];
      dSE[size_t(first + i)] = medium[i];
    }
  });
  return reduce(dS, dSE, o.keep);
}

TrajectoryEntropy reverse_trajectory_entropy(const GaussianMixture& data, const Process& p, const Score& score,
                                             const TimeGrid& grid, const TrajectoryEntropyOptions& o) {
  check(data, grid, o, "reverse trajectory entropy");
  if (score.dim() != data.dim())
    throw InputError(fmt::format("reverse trajectory entropy: score d = {}, data d = {}", score.dim(), data.dim()));
  const MixtureScore density(data, p);
  const int d = data.dim();
  const double dt = grid.dt();
  const bool mid = o.rule == MediumRule::Midpoint;
  std::vector<double> dS(size_t(o.trajectories)), dSE(size_t(o.trajectories));
  const GaussianMixture at_T = data.marginal(p.alpha(grid.T), p.sigma2(grid.T));
  parallel_blocks({o.trajectories, 256}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
    Mat X, Z, Xn, S, Xm, Sm;
    Vec l0, l1;
    sample_mixture(at_T, {o.seed, Stream::Init, 1}, ids, n, 0, X);  // substream 1: not the forward leg's starts
    density.log_density(X, grid.T, l0);
    Eigen::ArrayXd medium = Eigen::ArrayXd::Zero(n);
    for (int k = grid.steps - 1; k >= 0; --k) {
      const double t1 = grid.t(k + 1), a = p.drift_coef(t1), g2 = p.g2(t1);
      normal_block({o.seed, Stream::Reverse}, ids, n, uint64_t(k), d, Z);
      // b = -f + g^2 s, in the direction of decreasing forward time.
      reverse_em_step(p, score, t1, dt, X, Z, S, Xn);
      if (mid) {
        const double tm = t1 - 0.5 * dt, am = p.drift_coef(tm), g2m = p.g2(tm);
        Xm = 0.5 * (X + Xn);
        score.score(Xm, tm, Sm);
        medium += ((Xn - X).array() * (-am * Xm + g2m * Sm).array()).rowwise().sum() / (0.5 * g2m);
      } else {
        medium += ((Xn - X).array() * (-a * X + g2 * S).array()).rowwise().sum() / (0.5 * g2);
      }
      X.swap(Xn);
    }
    density.log_density(X, grid.t(0), l1);
    for (int i = 0; i < nv; ++i) {
      dS[size_t(first + i)] = l0[i] - l1[i];
      dSE[size_t(first + i)] = medium[i];
    }
  });
  return reduce(dS, dSE, o.keep);
}

}  // namespace td
