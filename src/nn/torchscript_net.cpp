// LibTorch lives here and in train/dsm_train.cpp only (shared helpers: nn/torch_convert.hpp).
#include "nn/torchscript_net.hpp"

#include <torch/script.h>

#include <sstream>

#include <filesystem>
#include <fmt/format.h>

#include "core/error.hpp"
#include "nn/torch_convert.hpp"

namespace td {

struct TorchScriptNet::Impl {
  mutable torch::jit::Module module;
};

TorchScriptNet::TorchScriptNet(const std::string& path, int d) : impl_(std::make_unique<Impl>()), path_(path), d_(d) {
  if (!std::filesystem::exists(path)) throw InputError(fmt::format("TorchScript model '{}' does not exist", path));
  try {
    impl_->module = torch::jit::load(path);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("TorchScript model '{}' cannot be loaded: {}", path, e.what()));
  }
  impl_->module.eval();
  // Contract check on a probe batch: output [n, d], finite.
  Mat out;
  try {
    forward(Mat::Zero(3, d), 0.5, out);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("TorchScript model '{}' fails on x[3, {}], t[3]: {}", path, d, e.what()));
  }
}

TorchScriptNet::~TorchScriptNet() = default;

std::string TorchScriptNet::describe() const { return fmt::format("TorchScript model '{}' (d = {})", path_, d_); }

namespace {

std::string shape(const torch::Tensor& f) {
  std::ostringstream o;
  o << f.sizes();
  return o.str();
}

torch::Tensor call(torch::jit::Module& m, const torch::Tensor& x, const Vec& t, const std::string& path, int d) {
  const auto tt = t.size() == 1 ? torch::full({x.size(0)}, t[0], torch::kFloat)
                                : to_tensor(Mat(t), torch::kFloat).reshape({x.size(0)});
  const torch::IValue r = m.forward({x, tt});
  if (!r.isTensor()) throw InputError(fmt::format("TorchScript model '{}': forward must return a Tensor", path));
  const auto f = r.toTensor();
  if (f.dim() != 2 || f.size(0) != x.size(0) || f.size(1) != d)
    throw InputError(fmt::format("TorchScript model '{}': forward(x[{}, {}], t[{}]) returned shape {}, expected [{}, {}]",
                                 path, x.size(0), d, x.size(0), shape(f), x.size(0), d));
  return f;
}

}  // namespace

void TorchScriptNet::forward(const Mat& X, const Vec& t, Mat& out) const {
  check_batch(X, t);
  torch::NoGradGuard ng;
  out = to_mat(call(impl_->module, to_tensor(X, torch::kFloat), t, path_, d_));
}

void TorchScriptNet::forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
  check_batch(X, t);
  const int n = int(X.rows()), k = int(V.size());
  auto x = to_tensor(X, torch::kFloat).requires_grad_(true);
  const auto f = call(impl_->module, x, t, path_, d_);
  Q.resize(n, k);
  for (int p = 0; p < k; ++p) {
    const auto v = to_tensor(V[p], torch::kFloat);
    const auto g = torch::autograd::grad({(f * v).sum()}, {x}, {}, /*retain_graph=*/true)[0];  // J^T v
    Q.col(p) = to_mat((g * v).sum(1, true)).col(0);  // v . J^T v = v . J v
  }
  out = to_mat(f);
}

void TorchScriptNet::forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const {
  check_batch(X, t);
  auto x = to_tensor(X, torch::kFloat).requires_grad_(true);
  const auto f = call(impl_->module, x, t, path_, d_);
  tr = autograd_trace(f, x);
  out = to_mat(f);
}

}  // namespace td
