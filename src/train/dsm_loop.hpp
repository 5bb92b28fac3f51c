#pragma once
// The denoising score-matching loop shared by every trainable network (MLP, U-Net): data, times and
// noise keyed by (seed, Stream::Train, step * batch + i); Adam with warm-up and cosine decay,
// global-norm clipping, EMA of the parameters, atomic checkpoints that resume exactly. Torch-typed:
// include only from the trainers.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/data_fn.hpp"
#include "nn/network.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct DsmModel {
  std::shared_ptr<torch::nn::Module> model, ema;  // the same architecture; ema starts as a copy of model
  // f(x, t): x [B, d] float, t [B] double -> [B, d], through `model`.
  std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)> forward;
  Prediction prediction = Prediction::Eps;
  int d = 0;
  std::vector<int64_t> identity;  // written into checkpoints; a resume must match it
  std::string identity_text;      // what `identity` holds, for the error message
};

// The loss of the mini-batch of `step` (ids step * batch + i; data, times and noise keyed by
// ts.seed): what the loop minimizes, and what the curvature analyses differentiate.
torch::Tensor dsm_batch_loss(const DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts,
                             int64_t step);
// The per-sample losses of that mini-batch ([batch]); dsm_batch_loss is their mean.
torch::Tensor dsm_sample_losses(const DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts,
                                int64_t step);

TrainProgress run_dsm_loop(DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts);

}  // namespace td
