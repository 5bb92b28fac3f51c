#pragma once
// Eigen <-> LibTorch conversions and the autograd Jacobian trace, shared by the two files that
// include torch (train/dsm_train.cpp, nn/torchscript_net.cpp). Include only from those.
#include <torch/csrc/autograd/autograd.h>
#include <torch/torch.h>

#include "core/types.hpp"

namespace td {

// n x d matrix -> [n, d] tensor of `dtype` (a copy).
inline torch::Tensor to_tensor(const Mat& X, torch::Dtype dtype = torch::kDouble) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = X;
  return torch::from_blob(const_cast<double*>(R.data()), {R.rows(), R.cols()}, torch::kDouble).to(dtype).clone();
}

// [n, d] tensor -> n x d matrix (double).
inline Mat to_mat(const torch::Tensor& T) {
  const auto c = T.detach().to(torch::kCPU).to(torch::kDouble).contiguous();  // from any device
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      c.data_ptr<double>(), c.size(0), c.size(1));
}

// tr_i = sum_k d f_ik / d x_ik by d reverse-mode passes (x must require grad; f = f(x), [n, d]).
inline Vec autograd_trace(const torch::Tensor& f, const torch::Tensor& x) {
  Vec tr = Vec::Zero(f.size(0));
  for (int64_t k = 0; k < f.size(1); ++k) {
    const auto g = torch::autograd::grad({f.select(1, k).sum()}, {x}, {}, /*retain_graph=*/true)[0];
    tr += to_mat(g.select(1, k).unsqueeze(1)).col(0);
  }
  return tr;
}

}  // namespace td
