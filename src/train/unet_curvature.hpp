#pragma once
// The DSM loss's curvature and SGD noise of a U-Net on structured parameter subsets (Ding, Quan &
// Tu Sec. 4.2, Fig. 4; docs §2.6) on structured subsets of its parameters — a convolution's first
// `out` output x `in` input channels with their full kernels; an attention block's matched q/k/v
// channels (rows c, C + c, 2C + c of its qkv convolution for c < out, inputs < in); a linear layer's
// first `out` output x `in` input nodes with the outputs' biases; a GroupNorm's first `out` scales
// and shifts — the dense Hessian of the loss on the union of those entries
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

struct LayerSubset {
  std::string kind = "conv";  // "conv" | "attention" | "linear" | "norm"
  std::string layer;          // module path: a convolution ("down0_0.c1", see unet_conv_layers), an
                              // attention block ("mid_attn"), a linear layer ("temb1", "mid1.t") or a
                              // GroupNorm ("mid1.n1")
  int out = 4, in = 4;        // channels (norm: entries; `in` unused)
};

struct LossCurvature {
  std::vector<std::string> layers;  // one per subset
  std::vector<int> entry_layer;     // the subset of each entry
  Mat hessian, covariance;          // k x k
  Vec mean_gradient;                // k
};

// The U-Net's convolution module paths, in registration order.
std::vector<std::string> unet_conv_layers(const UNetNet& net);

// Per-sample DSM losses over `batches` fresh mini-batches (keys as above): the per-sample loss whose
// variance the paper relates to the per-trajectory TAEP variance (Supplement V, Fig. S1).
std::vector<double> unet_dsm_losses(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                    int batches);

LossCurvature unet_loss_curvature(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                  const std::vector<LayerSubset>& subsets, int hessian_batches, int covariance_batches);

}  // namespace td
