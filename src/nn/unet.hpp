#pragma once
// A DDPM-style U-Net score network (issue 7) as a Network on flattened images (rows of C x H x W,
// channel-first): conv in; per level `res_blocks` residual blocks (GroupNorm, SiLU, 3x3 conv, the
// time embedding added, GroupNorm, SiLU, 3x3 conv; 1x1 skip when channels change), self-attention
// at the resolutions in `attn_res`, learned stride-2 3x3 downsampling between levels; a middle of
// residual, attention, residual; the mirror path with skip concatenations and nearest-neighbour
// upsampling followed by a 3x3 conv; GroupNorm, SiLU, conv out. Time: sinusoidal embedding of
// time_scale * t through Linear, SiLU, Linear. The output is the prediction named in `prediction`
// (eps for DDPM). Derivatives by autograd: Hutchinson with one vector-Jacobian product per probe,
// the exact trace with d of them.
#include <memory>
#include <string>
#include <vector>

#include "nn/network.hpp"

namespace td {

struct UNetSpec {
  int channels = 3, side = 32;           // image shape (side divisible by 2^(levels - 1))
  int base = 64;                         // channels of the first level
  std::vector<int> mult = {1, 2, 2, 2};  // channel multiplier per level
  int res_blocks = 2;                    // residual blocks per level (down path; up path has one more)
  std::vector<int> attn_res = {16};      // resolutions with self-attention
  int groups = 32;                       // GroupNorm groups (at most the channels of a block)
  double time_scale = 1000;
  bool double_precision = false;         // float32 by default; double for derivative checks
  Prediction prediction = Prediction::Eps;
  int dim() const { return channels * side * side; }
  void validate(const std::string& where) const;  // throws InputError
};

class UNetNet final : public Network {
 public:
  UNetNet(const UNetSpec& spec, uint64_t seed);  // freshly initialized (PyTorch default inits)
  ~UNetNet() override;
  int dim() const override { return spec_.dim(); }
  std::string describe() const override;
  int64_t parameter_count() const;
  const UNetSpec& spec() const { return spec_; }
  using Network::forward;
  using Network::forward_quadratic;
  using Network::forward_trace;
  void forward(const Mat& X, const Vec& t, Mat& out) const override;
  void forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const override;
  void forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const override;
  void jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const override;

  struct Impl;  // the LibTorch module (nn/unet_module.hpp), kept out of this header
  Impl& impl() const { return *impl_; }

 private:
  UNetSpec spec_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace td
