#pragma once
// Loss curvature and SGD noise on structured parameter subsets (Ding, Quan & Tu Sec. 4.2;
// docs §2.6): the dense Hessian of a training loss restricted to chosen parameter entries
// (double backward, averaged over mini-batches) and the covariance of the mini-batch gradients on
// the same entries. Torch-typed: include only from files that already include LibTorch.
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace td {

// Entries `index` (flat, into the tensor's contiguous layout) of one parameter tensor.
struct ParamSubset {
  std::string name;
  torch::Tensor param;  // a leaf with requires_grad
  std::vector<int64_t> index;
};

// Linear weight [out, in] (+ bias [out]): the rows `out` and columns `in`, with the bias of `out`.
std::vector<ParamSubset> linear_subset(const std::string& name, const torch::Tensor& weight, const torch::Tensor& bias,
                                       const std::vector<int64_t>& out, const std::vector<int64_t>& in);
// Convolution weight [out, in, kh, kw]: channels `out` x `in` with their full kernels.
ParamSubset conv_subset(const std::string& name, const torch::Tensor& weight, const std::vector<int64_t>& out,
                        const std::vector<int64_t>& in);
// A vector parameter (normalization scale or shift): entries `idx`.
ParamSubset vector_subset(const std::string& name, const torch::Tensor& v, const std::vector<int64_t>& idx);

// The scalar loss of mini-batch b (a graph back to the parameters).
using BatchLoss = std::function<torch::Tensor(int64_t batch)>;

// (1/B) sum_b d^2 L_b / d theta_i d theta_j over the subsets' entries (k x k, symmetric up to rounding).
Mat subset_hessian(const std::vector<ParamSubset>& subsets, const BatchLoss& loss, int64_t batches);

struct GradientSamples {
  Mat grads;  // batches x k: the gradient of each mini-batch's loss on the subsets' entries
  Vec mean;   // k
  Mat cov;    // k x k, unbiased (batches - 1)
};
GradientSamples subset_gradients(const std::vector<ParamSubset>& subsets, const BatchLoss& loss, int64_t batches);

}  // namespace td
