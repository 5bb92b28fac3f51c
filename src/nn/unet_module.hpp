#pragma once
// The U-Net's LibTorch module (nn/unet.hpp describes the architecture). Torch-typed: include only
// from files that already include LibTorch (the U-Net itself, its trainer and tests).
#include <torch/torch.h>

#include "nn/unet.hpp"

namespace td {

struct ResBlockImpl : torch::nn::Module {
  ResBlockImpl(int in, int out, int temb, int groups);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);
  torch::nn::GroupNorm n1{nullptr}, n2{nullptr};
  torch::nn::Conv2d c1{nullptr}, c2{nullptr}, skip{nullptr};
  torch::nn::Linear t{nullptr};
};
TORCH_MODULE(ResBlock);

struct AttnBlockImpl : torch::nn::Module {
  AttnBlockImpl(int ch, int groups);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Conv2d qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(AttnBlock);

struct UNetModuleImpl : torch::nn::Module {
  explicit UNetModuleImpl(const UNetSpec& spec);
  // x [n, C, H, W], t [n] -> [n, C, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t);
  UNetSpec spec;
  torch::nn::Linear temb1{nullptr}, temb2{nullptr};
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::GroupNorm norm_out{nullptr};
  // Down path: per level, blocks (and attention, or an empty slot), then a downsampling conv.
  std::vector<ResBlock> down_res;
  std::vector<AttnBlock> down_attn;       // one per res block (null where none)
  std::vector<torch::nn::Conv2d> downsample;
  ResBlock mid1{nullptr}, mid2{nullptr};
  AttnBlock mid_attn{nullptr};
  std::vector<ResBlock> up_res;
  std::vector<AttnBlock> up_attn;
  std::vector<torch::nn::Conv2d> upsample;  // conv after nearest-neighbour x2
};
TORCH_MODULE(UNetModule);

struct UNetNet::Impl {
  UNetModule module{nullptr};
  torch::Dtype dtype = torch::kFloat;
};

}  // namespace td
