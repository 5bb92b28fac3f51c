#pragma once
// The DSM loss's curvature and SGD noise of a U-Net on structured parameter subsets (Ding, Quan &
// Tu Sec. 4.2, Fig. 4; FORMULAS §2.6): for chosen convolutions, the first `out` output x `in` input
// channels with their full kernels; the dense Hessian of the loss on the union of those entries
// (double backward, averaged over mini-batches) and the covariance of the mini-batch gradients on
// the same entries. Mini-batches are the training loss's (train/dsm_loop), keyed at steps far past
// any training run, so they are fresh draws. Torch-free interface.
#include <string>
#include <vector>

#include "core/types.hpp"
#include "data/data_fn.hpp"
#include "nn/unet.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct ConvSubsetSpec {
  std::string layer;  // a convolution's module path, e.g. "down0_0.c1" (see unet_conv_layers)
  int out = 4, in = 4;
};

struct LossCurvature {
  std::vector<std::string> layers;  // one per subset
  std::vector<int> entry_layer;     // the subset of each entry
  Mat hessian, covariance;          // k x k
  Vec mean_gradient;                // k
};

// The U-Net's convolution module paths, in registration order.
std::vector<std::string> unet_conv_layers(const UNetNet& net);

LossCurvature unet_loss_curvature(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                  const std::vector<ConvSubsetSpec>& subsets, int hessian_batches, int covariance_batches);

}  // namespace td
