#pragma once
// Denoising score matching for the MLP (LibTorch, CPU). Every random number of training (data
// points, times, noise) is keyed by (seed, Stream::Train, sample id = step * batch + i), so a run
// is a function of its seed, and resuming from a checkpoint (model, EMA, Adam state, step)
// continues exactly where the uninterrupted run would be (at the same thread count, which the
// CLI alone sets: docs/robustness.md#threads; another count changes the order of GEMM reductions).
//
// Loss per sample: lambda(t) |s_theta(x_t, t) - s_target|^2 / d with x_t = alpha x_0 + sigma eps,
// s_target = -eps / sigma, t ~ U[t_min, T], and lambda = sigma^2 ("eps": for an eps-predicting
// network exactly |eps_theta - eps|^2 / d) or g^2 ("likelihood" weighting).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "data/data_fn.hpp"
#include "nn/mlp.hpp"
#include "process/process.hpp"

namespace td {

enum class LossWeighting { Eps, Likelihood };
LossWeighting parse_loss_weighting(const std::string& name);  // "eps" | "likelihood"
std::string loss_weighting_name(LossWeighting w);

struct TrainSpec {
  int64_t steps = 4000;
  int batch = 256;
  double lr = 1e-3;
  int64_t warmup = 0;          // linear lr warm-up steps
  std::string decay = "none";  // "none" | "cosine" (to 0 at `steps`)
  double clip = 1.0;           // global gradient-norm clip (0 = off)
  double ema = 0.999;          // EMA decay of the parameters (0 = no EMA: the EMA equals the model)
  LossWeighting weighting = LossWeighting::Eps;
  uint64_t seed = 1;
  std::string checkpoint;      // file; empty = no checkpoints
  int64_t checkpoint_every = 1000;
  int64_t stop_at = -1;        // stop (after writing a checkpoint) when this step is reached: an interruption
  bool progress = true;        // progress line on a terminal (never when stderr is not a terminal)
  void validate(const std::string& where) const;  // throws InputError
};


// What any DSM training run reports (the loop's record; train/dsm_loop).
struct TrainProgress {
  std::vector<std::pair<int64_t, double>> curve;  // (step, mean loss over the preceding interval)
  double last_loss = 0, smoothed_loss = 0;        // loss of the last step; its exponential average
  int64_t steps_done = 0, resumed_from = 0;       // resumed_from = 0: started fresh
  double seconds = 0;
};

struct TrainResult : TrainProgress {
  MlpWeights model, ema;  // last parameters and their EMA
};

TrainResult train_dsm(const MlpSpec& spec, const Process& process, const DataFn& data, const TrainSpec& train);

// The MLP's freshly initialized weights for `seed` (PyTorch's default Linear initialization).
MlpWeights init_mlp(const MlpSpec& spec, uint64_t seed);

// Oracle for MlpNet: the same network in LibTorch (double), output and the exact Jacobian trace
// by reverse-mode autograd (d backward passes).
void mlp_autograd_trace(const MlpWeights& w, const Mat& X, double t, Mat& out, Vec& tr);

}  // namespace td
