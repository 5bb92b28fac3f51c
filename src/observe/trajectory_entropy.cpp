#include "observe/trajectory_entropy.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "score/mixture_score.hpp"
#include "sim/ensemble.hpp"
#include "sim/noise.hpp"

namespace td {
namespace {

void check(const GaussianMixture& data, const TimeGrid& grid, const TrajectoryEntropyOptions& o, const char* who) {
  data.validate(fmt::format("{}: data", who));
  if (o.trajectories < 1) throw InputError(fmt::format("{}: trajectories must be >= 1", who));
  if (grid.t_min() < 0) throw InputError(fmt::format("{}: need 0 <= t_min", who));
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

// One block's trajectory entropies, written by trajectory id: the system part
// dS = ln p(x_start, t_start) - ln p(x_end, t_end) and the medium part dS_E = sum_n dx_n . F / D,
// with F the force of the leg at the pre-point or the midpoint (MediumRule).
class EntropySink {
 public:
  EntropySink(const MixtureScore& density, std::vector<double>& dS, std::vector<double>& dSE)
      : density_(density), dS_(dS), dSE_(dSE) {}
  void start(const uint64_t* ids, int n, int n_valid, double t, const Mat& X) {
    first_ = int64_t(ids[0]);
    n_valid_ = n_valid;
    density_.log_density(X, t, l0_);
    medium = Eigen::ArrayXd::Zero(n);
  }
  void finish(double t, const Mat& X) {
    density_.log_density(X, t, l1_);
    for (int i = 0; i < n_valid_; ++i) {
      dS_[size_t(first_ + i)] = l0_[i] - l1_[i];
      dSE_[size_t(first_ + i)] = medium[i];
    }
  }
  Eigen::ArrayXd medium;

 private:
  const MixtureScore& density_;
  std::vector<double>&dS_, &dSE_;
  int64_t first_ = 0;
  int n_valid_ = 0;
  Vec l0_, l1_;
};

// Forward leg: F = f = a(t) x.
class ForwardEntropyObserver final : public ForwardObserver {
 public:
  ForwardEntropyObserver(const Process& p, bool midpoint, EntropySink sink) : p_(p), mid_(midpoint), sink_(std::move(sink)) {}
  void begin(const uint64_t* ids, int n, int n_valid, double t0, const Mat& X0) override { sink_.start(ids, n, n_valid, t0, X0); }
  void step(const ForwardStep& s) override {
    // f . dx / D with f = a x: at the midpoint state and time, or at the pre-point.
    const Mat &X = s.X, &Xn = s.Xn;
    const double tm = mid_ ? s.t + 0.5 * s.dt : s.t, c = p_.drift_coef(tm) / (0.5 * p_.g2(tm));
    if (mid_)
      sink_.medium += c * ((Xn - X).array() * (Xn + X).array() * 0.5).rowwise().sum();
    else
      sink_.medium += c * ((Xn - X).array() * X.array()).rowwise().sum();
  }
  void end(double T, const Mat& XT) override { sink_.finish(T, XT); }

 private:
  const Process& p_;
  bool mid_;
  EntropySink sink_;
};

// Reverse leg, in the direction of decreasing forward time: F = b = -f + g^2 s.
class ReverseEntropyObserver final : public ReverseObserver {
 public:
  ReverseEntropyObserver(const Process& p, const Score& score, const TimeGrid& grid, bool midpoint, EntropySink sink)
      : p_(p), score_(score), grid_(grid), mid_(midpoint), sink_(std::move(sink)) {}
  void begin(const uint64_t* ids, int n, int n_valid, double T, const Mat& XT) override { sink_.start(ids, n, n_valid, T, XT); }
  void step(int k, double, double dt, const Mat& Xn, const Mat& X, const Mat& S) override {
    const double t1 = grid_.t(k + 1);
    if (mid_) {
      const double tm = t1 - 0.5 * dt, am = p_.drift_coef(tm), g2m = p_.g2(tm);
      Xm_ = 0.5 * (X + Xn);
      score_.score(Xm_, tm, Sm_);
      sink_.medium += ((Xn - X).array() * (-am * Xm_ + g2m * Sm_).array()).rowwise().sum() / (0.5 * g2m);
    } else {
      const double a = p_.drift_coef(t1), g2 = p_.g2(t1);
      sink_.medium += ((Xn - X).array() * (-a * X + g2 * S).array()).rowwise().sum() / (0.5 * g2);
    }
  }
  void end(double t_min, const Mat& X0) override { sink_.finish(t_min, X0); }

 private:
  const Process& p_;
  const Score& score_;
  const TimeGrid& grid_;
  bool mid_;
  EntropySink sink_;
  Mat Xm_, Sm_;
};

// One leg's ensemble with the given noise (the fine grid's, or the coarsened grid's coupled noise).
TrajectoryEntropy forward_leg(const GaussianMixture& data, const Process& p, const TimeGrid& grid,
                              const TrajectoryEntropyOptions& o, const NoiseSource& noise, bool keep) {
  const MixtureScore density(data, p);
  std::vector<double> dS(size_t(o.trajectories)), dSE(size_t(o.trajectories));
  const InitFn init = [&](const uint64_t* ids, int n, Mat& X) { sample_mixture(data, {o.seed, Stream::Init}, ids, n, 0, X); };
  const EnsembleSpec spec{o.trajectories, 256};
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {  // under mpirun, this rank's trajectories
    run_forward_ensemble(p, grid, data.dim(), part, init, noise, [&] {
      return std::make_unique<ForwardEntropyObserver>(p, o.rule == MediumRule::Midpoint, EntropySink(density, dS, dSE));
    });
  }, {items(dS, 0, o.trajectories), items(dSE, 0, o.trajectories)});
  return reduce(dS, dSE, keep);
}

TrajectoryEntropy reverse_leg(const GaussianMixture& data, const Process& p, const Score& score, const TimeGrid& grid,
                              const TrajectoryEntropyOptions& o, const NoiseSource& noise, bool keep) {
  const MixtureScore density(data, p);
  std::vector<double> dS(size_t(o.trajectories)), dSE(size_t(o.trajectories));
  const GaussianMixture at_T = data.marginal(p.alpha(grid.T()), p.sigma2(grid.T()));
  const InitFn init = [&](const uint64_t* ids, int n, Mat& X) {
    sample_mixture(at_T, {o.seed, Stream::Init, 1}, ids, n, 0, X);  // substream 1: not the forward leg's starts
  };
  const EnsembleSpec spec{o.trajectories, 256};
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {
    run_reverse_ensemble(p, grid, score, part, init, noise, [&] {
      return std::make_unique<ReverseEntropyObserver>(p, score, grid, o.rule == MediumRule::Midpoint,
                                                      EntropySink(density, dS, dSE));
    }, o.scheme);
  }, {items(dS, 0, o.trajectories), items(dSE, 0, o.trajectories)});
  return reduce(dS, dSE, keep);
}

// The leg again on the grid of twice the step with the coupled noise: dt errors = coarse - fine.
template <class Leg>
TrajectoryEntropy with_dt_error(const Process& p, const TimeGrid& grid, const TrajectoryEntropyOptions& o, RngKey key,
                                const Leg& leg) {
  const PhiloxNoise noise(key);
  TrajectoryEntropy r = leg(grid, noise, o.keep);
  if (!o.dt_error || grid.steps() < 2) return r;
  const TrajectoryEntropy c = leg(grid.coarsened(), CoarsenedNoise(noise, step_weights(p, grid)), false);
  r.total_mean_dt = c.total.mean() - r.total.mean();
  r.ift_dt = c.ift.mean() - r.ift.mean();
  return r;
}

}  // namespace

TrajectoryEntropy forward_trajectory_entropy(const GaussianMixture& data, const Process& p, const TimeGrid& grid,
                                             const TrajectoryEntropyOptions& o) {
  check(data, grid, o, "forward trajectory entropy");
  return with_dt_error(p, grid, o, {o.seed, Stream::Forward}, [&](const TimeGrid& g, const NoiseSource& noise, bool keep) {
    return forward_leg(data, p, g, o, noise, keep);
  });
}

TrajectoryEntropy reverse_trajectory_entropy(const GaussianMixture& data, const Process& p, const Score& score,
                                             const TimeGrid& grid, const TrajectoryEntropyOptions& o) {
  check(data, grid, o, "reverse trajectory entropy");
  if (score.dim() != data.dim())
    throw InputError(fmt::format("reverse trajectory entropy: score d = {}, data d = {}", score.dim(), data.dim()));
  return with_dt_error(p, grid, o, {o.seed, Stream::Reverse}, [&](const TimeGrid& g, const NoiseSource& noise, bool keep) {
    return reverse_leg(data, p, score, g, o, noise, keep);
  });
}

}  // namespace td
