#include "sim/ensemble.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/rng.hpp"
#include "score/score.hpp"
#include "sim/integrators.hpp"
#include "sim/noise.hpp"

namespace td {
namespace {

int round_up_lanes(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

// Calls fn(ids, n, n_valid, first) for every block of the spec's range, in parallel; blocks are independent.
template <class Fn>
void for_each_block(const EnsembleSpec& spec, Fn&& fn) {
  const int block = ensemble_block(spec);
  const std::pair<int64_t, int64_t> range = ensemble_range(spec);  // no structured binding: clang's OpenMP cannot capture one
  const int64_t b0 = range.first / block, b1 = (range.second + block - 1) / block;
  ProgressLine progress(range.second - range.first, "trajectories");
  ParallelFailure failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t b = b0; b < b1; ++b)
    failure.run(b, [&] {
      const int64_t first = b * block;
      const int n_valid = int(std::min<int64_t>(block, spec.trajectories - first));
      const int n = round_up_lanes(n_valid);
      std::vector<uint64_t> ids(n);
      for (int i = 0; i < n; ++i) ids[i] = uint64_t(first + i);
      fn(ids.data(), n, n_valid, first);
      progress.add(n_valid);
    });
  failure.rethrow();
}

}  // namespace

int ensemble_block(const EnsembleSpec& spec) { return round_up_lanes(std::max(spec.block, 1)); }

std::pair<int64_t, int64_t> ensemble_range(const EnsembleSpec& spec) {
  const int64_t B = ensemble_block(spec), n = spec.trajectories;
  const int64_t last = spec.last < 0 ? n : std::min(spec.last, n), first = std::clamp<int64_t>(spec.first, 0, n);
  auto up = [&](int64_t i) { return std::min(n, (i + B - 1) / B * B); };  // first id of the next block at or after i
  return {up(first), std::max(up(first), up(last))};
}

void distributed_ensemble(const EnsembleSpec& spec, const std::function<void(const EnsembleSpec& part)>& fn,
                          const std::vector<ItemArray>& outputs) {
  const auto [lo, hi] = ensemble_range(spec);
  distributed_loop(lo, hi, ensemble_block(spec), [&](int64_t a, int64_t b) {
    EnsembleSpec part = spec;
    part.first = a, part.last = b;
    fn(part);
  }, outputs);
}

std::vector<ItemArray> columns(Mat& M, int64_t n) {
  std::vector<ItemArray> out;
  for (Eigen::Index j = 0; j < M.cols(); ++j) out.push_back(items(M.col(j).data(), 0, n));
  return out;
}

void parallel_blocks(const EnsembleSpec& spec,
                     const std::function<void(const uint64_t*, int, int, int64_t)>& fn) {
  for_each_block(spec, fn);
}

void exact_forward_step(const Process& process, const StepNoise& sn, const uint64_t* ids, int n, int step,
                        const NoiseSource& noise, const Mat& X, Mat& dW, Mat& Xn) {
  const int d = int(X.cols());
  const double sw = std::sqrt(sn.w);
  if (process.driftless()) {  // driftless: I2 = I1
    noise.fill(ids, n, uint64_t(step), d, dW);
    dW *= sw;
    Xn = X + dW;
    return;
  }
  thread_local Mat Z;
  noise.fill(ids, n, uint64_t(step), 2 * d, Z);
  dW = sw * Z.leftCols(d);
  // I2 = (cov / sqrt w) z1 + sqrt(var2 - cov^2 / w) z2: the regression of I2 on I1 plus the rest.
  const double b1 = sn.cov / sw, b2 = std::sqrt(std::max(0.0, sn.var2 - sn.cov * sn.cov / sn.w));
  Xn = sn.a * X + b1 * Z.leftCols(d) + b2 * Z.rightCols(d);
}

std::vector<StepNoise> step_noises(const Process& process, const TimeGrid& grid) {
  std::vector<StepNoise> n;
  for (int s = 0; s < grid.steps(); ++s) n.push_back(process.step_noise(grid.t(s), grid.t(s + 1)));
  return n;
}

std::vector<double> step_weights(const Process& process, const TimeGrid& grid) {
  std::vector<double> w;
  for (const StepNoise& n : step_noises(process, grid)) w.push_back(n.w);
  return w;
}

void run_forward_ensemble(const Process& process, const TimeGrid& grid, int d, const EnsembleSpec& spec,
                          const InitFn& init, const NoiseSource& noise,
                          const ForwardObserverFactory& make_observer) {
  const std::vector<StepNoise> steps = step_noises(process, grid);
  for_each_block(spec, [&](const uint64_t* ids, int n, int n_valid, int64_t) {
    Mat X, dW, Xn;
    init(ids, n, X);
    if (X.cols() != d) throw InputError("forward ensemble: the initial states have the wrong dimension");
    auto obs = make_observer();
    obs->begin(ids, n, n_valid, grid.t_min(), X);
    for (int s = 0; s < grid.steps(); ++s) {
      exact_forward_step(process, steps[size_t(s)], ids, n, s, noise, X, dW, Xn);
      obs->step({s, grid.t(s), grid.dt(s), steps[size_t(s)].w, X, dW, Xn});
      X.swap(Xn);
    }
    obs->end(grid.T(), X);
  });
}

void run_reverse_ensemble(const Process& process, const TimeGrid& grid, const Score& score,
                          const EnsembleSpec& spec, const InitFn& init, const NoiseSource& noise,
                          const ReverseObserverFactory& make_observer, ReverseScheme scheme) {
  const int d = score.dim();
  for_each_block(spec, [&](const uint64_t* ids, int n, int n_valid, int64_t) {
    Mat X, Xn, Z, S;
    init(ids, n, X);
    std::unique_ptr<ReverseObserver> obs = make_observer ? make_observer() : nullptr;
    if (obs) obs->begin(ids, n, n_valid, grid.T(), X);
    for (int s = grid.steps() - 1; s >= 0; --s) {
      noise.fill(ids, n, uint64_t(s), d, Z);
      reverse_step(scheme, process, score, grid.t(s + 1), grid.t(s), X, Z, S, Xn);
      if (obs) obs->step(s, grid.t(s), grid.dt(s), Xn, X, S);
      X.swap(Xn);
    }
    if (obs) obs->end(grid.t_min(), X);
  });
}

namespace {

// Stores the first n_valid final states into rows [first, first + n_valid) of `out`.
class FinalStateSink final : public ReverseObserver {
 public:
  FinalStateSink(Mat& out) : out_(out) {}
  void begin(const uint64_t* ids, int, int n_valid, double, const Mat&) override {
    first_ = int64_t(ids[0]);
    n_valid_ = n_valid;
  }
  void step(int, double, double, const Mat&, const Mat&, const Mat&) override {}
  void end(double, const Mat& X0) override { out_.middleRows(first_, n_valid_) = X0.topRows(n_valid_); }
 private:
  Mat& out_;
  int64_t first_ = 0;
  int n_valid_ = 0;
};

}  // namespace

Mat sample_reverse_sde(const Process& process, const TimeGrid& grid, const Score& score,
                       const EnsembleSpec& spec, const InitFn& init, const NoiseSource& noise, ReverseScheme scheme) {
  Mat out(spec.trajectories, score.dim());
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {  // under mpirun, this rank's samples
    run_reverse_ensemble(process, grid, score, part, init, noise, [&] { return std::make_unique<FinalStateSink>(out); }, scheme);
  }, columns(out, spec.trajectories));
  return out;
}

Mat sample_pf_ode_rk4(const Process& process, const TimeGrid& grid, const Score& score,
                      const EnsembleSpec& spec, const InitFn& init) {
  Mat out(spec.trajectories, score.dim());
  // dx/dt = f - g^2 s / 2, integrated backwards: h = -dt.
  const BatchRhs rhs = [&](const Mat& X, const Vec& t, Mat& K) {
    Mat S;
    score.score(X, t[0], S);
    K = process.drift_coef(t[0]) * X - (0.5 * process.g2(t[0])) * S;
  };
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {  // under mpirun, this rank's samples
    for_each_block(part, [&](const uint64_t* ids, int n, int n_valid, int64_t first) {
      Mat X, Xn;
      init(ids, n, X);
      for (int s = grid.steps(); s > 0; --s) {
        rk4_step(rhs, X, Vec::Constant(1, grid.t(s)), -grid.dt(s - 1), Vec::Constant(1, grid.t(s - 1)), Xn);
        X.swap(Xn);
      }
      out.middleRows(first, n_valid) = X.topRows(n_valid);
    });
  }, columns(out, spec.trajectories));
  return out;
}

InitFn prior_init(const Process& process, int d, RngKey key) {
  const double sd = std::sqrt(process.prior_var());
  return [sd, d, key](const uint64_t* ids, int n, Mat& X) {
    normal_block(key, ids, n, 0, d, X);
    X *= sd;
  };
}

PathRecorder::PathRecorder(int64_t count, int stride, const TimeGrid& grid, int d)
    : count_(count), stride_(std::max(stride, 1)) {
  for (int s = 0; s <= grid.steps(); s += stride_) times_.push_back(grid.t(s));
  if (grid.steps() % stride_ != 0) times_.push_back(grid.T());
  paths_.assign(size_t(count), Mat::Zero(Eigen::Index(times_.size()), d));
}

namespace {

class PathObserver final : public ForwardObserver {
 public:
  PathObserver(std::vector<Mat>& paths, int64_t count, int stride)
      : paths_(paths), count_(count), stride_(stride) {}
  void begin(const uint64_t* ids, int, int n_valid, double, const Mat& X0) override {
    first_ = int64_t(ids[0]);
    n_valid_ = n_valid;
    record(0, X0);
  }
  void step(const ForwardStep& s) override {
    if (s.n > 0 && s.n % stride_ == 0) record(s.n / stride_, s.X);
  }
  void end(double, const Mat& XT) override {
    record(Eigen::Index(paths_.empty() ? 0 : paths_[0].rows() - 1), XT);
  }
 private:
  void record(Eigen::Index row, const Mat& X) {
    for (int i = 0; i < n_valid_; ++i)
      if (first_ + i < count_) paths_[size_t(first_ + i)].row(row) = X.row(i);
  }
  std::vector<Mat>& paths_;
  int64_t count_;
  int stride_;
  int64_t first_ = 0;
  int n_valid_ = 0;
};

}  // namespace

ForwardObserverFactory PathRecorder::factory() {
  return [this] { return std::make_unique<PathObserver>(paths_, count_, stride_); };
}

Mat sample_denoised(const Process& p, const Score& score, int samples, int steps, bool ode, uint64_t seed) {
  if (samples < 1 || steps < 1) throw InputError("sampling: needs samples >= 1 and steps >= 1");
  const TimeGrid grid(p.t_min(), p.T(), steps);
  const InitFn init = prior_init(p, score.dim(), {seed, Stream::Prior});
  Mat X = ode ? sample_pf_ode_rk4(p, grid, score, {samples, 64}, init)
              : sample_reverse_sde(p, grid, score, {samples, 64}, init, PhiloxNoise({seed, Stream::Reverse}), ReverseScheme::Heun);
  Mat S;
  score.score(X, p.t_min(), S);
  return (X + p.sigma2(p.t_min()) * S) / p.alpha(p.t_min());
}

}  // namespace td
