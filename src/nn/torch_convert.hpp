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

// JV.row(i) = J_i v_i and JTV.row(i) = J_i^T v_i, J_i = df_i/dx_i, for f = f(x) ([n, d], x requiring
// grad, rows independent): J^T v by one reverse pass; J v by the reverse pass of u -> J^T u (linear in
// u) taken with respect to u, so no forward-mode support is needed from the model.
inline void autograd_products(const torch::Tensor& f, const torch::Tensor& x, const torch::Tensor& v, Mat& JV, Mat& JTV) {
  const auto u = torch::zeros_like(f).requires_grad_(true);
  const auto g = torch::autograd::grad({(f * u).sum()}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  JV = to_mat(torch::autograd::grad({(g * v).sum()}, {u}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0]);
  JTV = to_mat(torch::autograd::grad({(f * v).sum()}, {x}, {}, /*retain_graph=*/false)[0]);
}

}  // namespace td
