#pragma once
// Ensembles of trajectories run in blocks with OpenMP. A block is a fixed set of trajectory ids,
// padded to a multiple of kLanes with extra ids whose results are discarded, so every trajectory is
// computed by the same vector code whatever the block size or thread count. Observers accumulate
// inside the step; paths are stored only by a PathRecorder.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/distributed.hpp"
#include "core/time_grid.hpp"
#include "core/types.hpp"
#include "process/process.hpp"
#include "sim/integrators.hpp"
#include "sim/noise.hpp"

namespace td {

struct EnsembleSpec {
  int64_t trajectories = 0;
  int block = 256;  // trajectories per block (rounded up to a multiple of kLanes)
  // Only the blocks whose first trajectory id lies in [first, last) run (last < 0: to the end);
  // results stay indexed by trajectory id. Consecutive ranges partition the ensemble, so it can be
  // run (and checkpointed) in chunks with the same per-trajectory results.
  int64_t first = 0, last = -1;
};

// The block size an ensemble uses (spec.block rounded up to a multiple of kLanes), and the ids
// [lo, hi) that the blocks of its range [first, last) cover.
int ensemble_block(const EnsembleSpec& spec);
std::pair<int64_t, int64_t> ensemble_range(const EnsembleSpec& spec);

// Under mpirun: fn(part) for this rank's part of spec's range (whole blocks, contiguous, in rank
// order), then the ranks agree on failure and gather `outputs` (arrays over the range, filled by fn
// for the part) so that every rank holds the whole range's values (core/distributed.hpp); with one
// rank, fn(spec). Per-trajectory values depend on the id alone, so the result is the same for any
// number of ranks.
void distributed_ensemble(const EnsembleSpec& spec, const std::function<void(const EnsembleSpec& part)>& fn,
                          const std::vector<ItemArray>& outputs);
// Every column of a matrix whose rows are items 0 .. n - 1, as outputs of a distributed loop.
std::vector<ItemArray> columns(Mat& M, int64_t n);

// Calls fn(ids, n, n_valid, first) for every block of spec, in parallel (OpenMP, dynamic
// schedule). ids = first, first+1, ...; n is n_valid rounded up to a multiple of kLanes.
void parallel_blocks(const EnsembleSpec& spec,
                     const std::function<void(const uint64_t* ids, int n, int n_valid, int64_t first)>& fn);

// Draws the initial states of trajectories ids[0..n) (n x d).
using InitFn = std::function<void(const uint64_t* ids, int n, Mat& X)>;

// One step of a forward ensemble, x_n -> x_{n+1} by the exact Gaussian transition of the process
// (Process::step_noise): exact in law for any grid, so only what observers integrate along the
// path carries a discretization error.
struct ForwardStep {
  int n;          // step index: t_n -> t_{n+1}
  double t, dt;   // t_n and t_{n+1} - t_n
  double w;       // int g^2 dt over the step
  const Mat& X;   // x_n (n x d)
  const Mat& dW;  // int g dW over the step, jointly Gaussian with the transition's noise
  const Mat& Xn;  // x_{n+1}
};

// The increments of step n of trajectories ids from the noise source: dW = int g dW and the
// state x_{n+1} = a x_n + I2 (I2 drawn jointly with dW; for driftless processes I2 = dW). The
// normals are components 0..d-1 (and d..2d-1 for I2's independent part) of (ids, step n).
void exact_forward_step(const Process& process, const StepNoise& sn, const uint64_t* ids, int n, int step,
                        const NoiseSource& noise, const Mat& X, Mat& dW, Mat& Xn);

// Process::step_noise of every step of the grid, and its w_n = int g^2 alone (the weights
// CoarsenedNoise combines normals with).
std::vector<StepNoise> step_noises(const Process& process, const TimeGrid& grid);
std::vector<double> step_weights(const Process& process, const TimeGrid& grid);

// Sees one block of a forward ensemble.
class ForwardObserver {
 public:
  virtual ~ForwardObserver() = default;
  // ids has n entries; the first n_valid are real trajectories.
  virtual void begin(const uint64_t* ids, int n, int n_valid, double t0, const Mat& X0) = 0;
  virtual void step(const ForwardStep& s) = 0;
  virtual void end(double T, const Mat& XT) = 0;
};
using ForwardObserverFactory = std::function<std::unique_ptr<ForwardObserver>()>;

void run_forward_ensemble(const Process& process, const TimeGrid& grid, int d, const EnsembleSpec& spec,
                          const InitFn& init, const NoiseSource& noise,
                          const ForwardObserverFactory& make_observer);

// Sees one block of a reverse-SDE ensemble run from T down to t_min on the same grid:
//   x_n = x_{n+1} - [f(x_{n+1}, t_{n+1}) - g^2 s(x_{n+1}, t_{n+1})] dt + g(t_{n+1}) sqrt(dt) z.
class ReverseObserver {
 public:
  virtual ~ReverseObserver() = default;
  virtual void begin(const uint64_t* ids, int n, int n_valid, double T, const Mat& XT) = 0;
  // After the update from x_{n+1} (at t_{n+1}) to x_n (at t_n); S = s(x_{n+1}, t_{n+1}), the score
  // the update used.
  virtual void step(int n, double t_n, double dt, const Mat& Xn, const Mat& Xnext, const Mat& S) = 0;
  virtual void end(double t_min, const Mat& X0) = 0;
};
using ReverseObserverFactory = std::function<std::unique_ptr<ReverseObserver>()>;

class Score;
void run_reverse_ensemble(const Process& process, const TimeGrid& grid, const Score& score,
                          const EnsembleSpec& spec, const InitFn& init, const NoiseSource& noise,
                          const ReverseObserverFactory& make_observer, ReverseScheme scheme = ReverseScheme::EulerMaruyama);

// Samples: reverse SDE or probability-flow ODE (RK4), from init at T to t_min.
// Returns trajectories x spec.trajectories rows of final states.
Mat sample_reverse_sde(const Process& process, const TimeGrid& grid, const Score& score,
                       const EnsembleSpec& spec, const InitFn& init, const NoiseSource& noise,
                       ReverseScheme scheme = ReverseScheme::EulerMaruyama);
Mat sample_pf_ode_rk4(const Process& process, const TimeGrid& grid, const Score& score,
                      const EnsembleSpec& spec, const InitFn& init);

// `samples` draws of a score's model at t = 0: from the prior, down a uniform grid of `steps` by the
// reverse SDE (Heun) or, ode = true, the probability-flow ODE (RK4), then Tweedie's step from t_min
// to x_0 (the state at t_min still carries noise of std sigma(t_min)). The prior from
// ({seed, Stream::Prior}), the SDE's noise from ({seed, Stream::Reverse}); sample i by id i.
Mat sample_denoised(const Process& process, const Score& score, int samples, int steps, bool ode, uint64_t seed);

// Initial states from the prior N(0, prior_var I) of the process, drawn from `key` at step 0
// (normally Stream::Prior).
InitFn prior_init(const Process& process, int d, RngKey key);

// Records the first `count` trajectories every `stride` steps (forward ensembles).
class PathRecorder {
 public:
  PathRecorder(int64_t count, int stride, const TimeGrid& grid, int d);
  ForwardObserverFactory factory();
  const std::vector<double>& times() const { return times_; }
  // path(i) is (number of recorded times) x d.
  const Mat& path(int64_t i) const { return paths_[size_t(i)]; }
 private:
  int64_t count_;
  int stride_;
  std::vector<double> times_;
  std::vector<Mat> paths_;
};

}  // namespace td
