#include "train/curvature.hpp"

#include <torch/csrc/autograd/autograd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {
namespace {

void check(const ParamSubset& s) {
  if (!s.param.defined() || !s.param.requires_grad())
    throw InputError(fmt::format("parameter subset '{}': the tensor must be a parameter that requires grad", s.name));
  const int64_t n = s.param.numel();
  for (int64_t i : s.index)
    if (i < 0 || i >= n) throw InputError(fmt::format("parameter subset '{}': index {} outside [0, {})", s.name, i, n));
}

std::vector<torch::Tensor> params(const std::vector<ParamSubset>& subsets) {
  std::vector<torch::Tensor> p;
  for (const ParamSubset& s : subsets) check(s), p.push_back(s.param);
  return p;
}

int64_t total(const std::vector<ParamSubset>& subsets) {
  int64_t k = 0;
  for (const ParamSubset& s : subsets) k += int64_t(s.index.size());
  if (k == 0) throw InputError("parameter subsets: no entries selected");
  return k;
}

// The subsets' entries of gradients g (one per subset, same shapes as the parameters), as a vector.
torch::Tensor gather(const std::vector<ParamSubset>& subsets, const std::vector<torch::Tensor>& g) {
  std::vector<torch::Tensor> parts;
  for (size_t i = 0; i < subsets.size(); ++i) {
    const torch::Tensor gi = g[i].defined() ? g[i] : torch::zeros_like(subsets[i].param);
    parts.push_back(gi.reshape({-1}).index_select(0, torch::tensor(subsets[i].index, torch::kLong)));
  }
  return torch::cat(parts);
}

}  // namespace

std::vector<ParamSubset> linear_subset(const std::string& name, const torch::Tensor& w, const torch::Tensor& b,
                                       const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  if (w.dim() != 2) throw InputError(fmt::format("linear subset '{}': weight must be [out, in]", name));
  ParamSubset sw{name + ".weight", w, {}};
  for (int64_t o : out)
    for (int64_t i : in) sw.index.push_back(o * w.size(1) + i);
  std::vector<ParamSubset> r = {sw};
  if (b.defined()) r.push_back({name + ".bias", b, out});
  return r;
}

ParamSubset conv_subset(const std::string& name, const torch::Tensor& w, const std::vector<int64_t>& out,
                        const std::vector<int64_t>& in) {
  if (w.dim() != 4) throw InputError(fmt::format("conv subset '{}': weight must be [out, in, kh, kw]", name));
  const int64_t kk = w.size(2) * w.size(3);
  ParamSubset s{name + ".weight", w, {}};
  for (int64_t o : out)
    for (int64_t i : in)
      for (int64_t k = 0; k < kk; ++k) s.index.push_back((o * w.size(1) + i) * kk + k);
  return s;
}

ParamSubset vector_subset(const std::string& name, const torch::Tensor& v, const std::vector<int64_t>& idx) {
  if (v.dim() != 1) throw InputError(fmt::format("vector subset '{}': must be a 1-D parameter", name));
  return {name, v, idx};
}

Mat subset_hessian(const std::vector<ParamSubset>& subsets, const BatchLoss& loss, int64_t batches) {
  if (batches < 1) throw InputError("subset Hessian: batches must be >= 1");
  const std::vector<torch::Tensor> p = params(subsets);
  const int64_t k = total(subsets);
  Mat H = Mat::Zero(k, k);
  for (int64_t b = 0; b < batches; ++b) {
    const torch::Tensor L = loss(b);
    const auto g = torch::autograd::grad({L}, p, {}, /*retain_graph=*/true, /*create_graph=*/true, /*allow_unused=*/true);
    const torch::Tensor gs = gather(subsets, g);
    // One more backward pass per selected entry: row i of the Hessian.
    for (int64_t i = 0; i < k; ++i) {
      const auto row = torch::autograd::grad({gs[i]}, p, {}, /*retain_graph=*/true, /*create_graph=*/false, /*allow_unused=*/true);
      const torch::Tensor r = gather(subsets, row).to(torch::kDouble).contiguous();
      H.row(i) += Eigen::Map<const RowVec>(r.data_ptr<double>(), k);
    }
  }
  return H / double(batches);
}

GradientSamples subset_gradients(const std::vector<ParamSubset>& subsets, const BatchLoss& loss, int64_t batches) {
  if (batches < 2) throw InputError("subset gradients: batches must be >= 2 for a covariance");
  const std::vector<torch::Tensor> p = params(subsets);
  const int64_t k = total(subsets);
  GradientSamples r;
  r.grads.resize(batches, k);
  for (int64_t b = 0; b < batches; ++b) {
    const auto g = torch::autograd::grad({loss(b)}, p, {}, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
    const torch::Tensor v = gather(subsets, g).to(torch::kDouble).contiguous();
    r.grads.row(b) = Eigen::Map<const RowVec>(v.data_ptr<double>(), k);
  }
  r.mean = r.grads.colwise().mean().transpose();
  const Mat C = r.grads.rowwise() - r.mean.transpose();
  r.cov = C.transpose() * C / double(batches - 1);
  return r;
}

}  // namespace td
