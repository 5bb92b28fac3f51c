// LibTorch lives here and in train/dsm_train.cpp only (shared helpers: nn/torch_convert.hpp).
#include "nn/torchscript_net.hpp"

#include <torch/script.h>

#include <sstream>

#include <filesystem>
#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "nn/torch_convert.hpp"

namespace td {

struct TorchScriptNet::Impl {
  mutable torch::jit::Module module;
  torch::Device device{torch::kCPU};
};

namespace {

torch::Device& network_device() {
  static torch::Device d{torch::kCPU};
  return d;
}

std::string shape(const torch::Tensor& f) {
  std::ostringstream o;
  o << f.sizes();
  return o.str();
}

std::string times(const Vec& t) {
  return t.size() == 1 || t.minCoeff() == t.maxCoeff() ? fmt::format("t = {:.6g}", t[0]) : fmt::format("t in [{:.6g}, {:.6g}]", t.minCoeff(), t.maxCoeff());
}

// Runs a LibTorch call; its errors (a TorchScript `raise`, an autograd failure) become one line
// naming the model and the time (the full text with --verbose).
template <class F>
void guarded(const std::string& model, const Vec& t, F&& f) {
  try {
    f();
  } catch (const InputError&) {
    throw;
  } catch (const RunError&) {
    throw;
  } catch (const c10::Error& e) {
    throw RunError(fmt::format("{} failed at {}: {}", model, times(t), library_error_text(e.what_without_backtrace())));
  } catch (const std::exception& e) {
    throw RunError(fmt::format("{} failed at {}: {}", model, times(t), library_error_text(e.what())));
  }
}

// forward(x, t) with the contract's checks: a tensor of shape [n, d] and a real floating dtype;
// `grad`: it must depend on x through autograd (the divergence is taken by autograd).
torch::Tensor call(torch::jit::Module& m, const torch::Tensor& x, const Vec& t, const std::string& model, int d, bool grad) {
  const auto tt = t.size() == 1 ? torch::full({x.size(0)}, t[0], torch::TensorOptions(torch::kFloat).device(x.device()))
                                : to_tensor(Mat(t), torch::kFloat).reshape({x.size(0)}).to(x.device());
  const torch::IValue r = m.forward({x, tt});
  if (!r.isTensor()) throw InputError(fmt::format("{}: forward must return a Tensor (at {})", model, times(t)));
  const auto f = r.toTensor();
  if (f.dim() != 2 || f.size(0) != x.size(0) || f.size(1) != d)
    throw InputError(fmt::format("{}: forward(x[{}, {}], t[{}]) returned shape {} at {}, expected [{}, {}]", model,
                                 x.size(0), d, x.size(0), shape(f), times(t), x.size(0), d));
  if (!f.is_floating_point())
    throw InputError(fmt::format("{}: forward returned dtype {} at {}; the contract is a real floating tensor (float32)",
                                 model, std::string(c10::toString(f.scalar_type())), times(t)));
  if (grad && !f.requires_grad())
    throw InputError(fmt::format("{}: forward's output at {} does not depend on x through autograd (detached, or "
                                 "computed under no_grad), so its divergence cannot be taken",
                                 model, times(t)));
  return f;
}

}  // namespace

TorchScriptNet::TorchScriptNet(const std::string& path, int d, const std::vector<double>& probe_times)
    : impl_(std::make_unique<Impl>()), path_(path), d_(d) {
  check_regular_file(path, "TorchScript model");
  try {
    impl_->module = torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("TorchScript model '{}' cannot be loaded: {}", path, library_error_text(e.what_without_backtrace())));
  } catch (const std::exception& e) {
    throw InputError(fmt::format("TorchScript model '{}' cannot be loaded: {}", path, library_error_text(e.what())));
  }
  impl_->module.eval();
  impl_->device = network_device();
  if (impl_->device.is_cuda()) {
    try {
      impl_->module.to(impl_->device);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("TorchScript model '{}' cannot be moved to the GPU: {}", path, library_error_text(e.what())));
    }
  }
  probe(probe_times);
}

// The contract on a probe batch (three points) at each probe time: shape, dtype, finite values, and
// one vector-Jacobian product (what every divergence needs). Any failure is bad input.
void TorchScriptNet::probe(const std::vector<double>& probe_times) const {
  Mat X(3, d_), out, Q;
  X.row(0).setZero(), X.row(1).setConstant(0.5), X.row(2).setConstant(-1.0);
  const std::vector<Mat> v = {Mat::Ones(3, d_)};
  for (double t : probe_times) {
    try {
      forward_quadratic(X, t, v, out, Q);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("{} (on its probe batch x[3, {}]: rows 0, 0.5, -1)", e.what(), d_));
    }
    for (Eigen::Index i = 0; i < 3; ++i)
      if (!out.row(i).allFinite() || !std::isfinite(Q(i, 0)))
        throw InputError(fmt::format("{}: output not finite on its probe batch at t = {:.6g}, row {} (x = {})", describe(),
                                     t, i, X(i, 0)));
  }
}

TorchScriptNet::~TorchScriptNet() = default;

std::string TorchScriptNet::describe() const { return fmt::format("TorchScript model '{}' (d = {})", path_, d_); }

void TorchScriptNet::forward(const Mat& X, const Vec& t, Mat& out) const {
  check_batch(X, t);
  guarded(describe(), t, [&] {
    torch::NoGradGuard ng;
    out = to_mat(call(impl_->module, to_tensor(X, torch::kFloat).to(impl_->device), t, describe(), d_, false));
  });
}

void TorchScriptNet::forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
  check_batch(X, t);
  guarded(describe(), t, [&] {
    const int n = int(X.rows()), k = int(V.size());
    auto x = to_tensor(X, torch::kFloat).to(impl_->device).requires_grad_(true);
    const auto f = call(impl_->module, x, t, describe(), d_, true);
    Q.resize(n, k);
    for (int p = 0; p < k; ++p) {
      const auto v = to_tensor(V[p], torch::kFloat).to(impl_->device);
      const auto g = torch::autograd::grad({(f * v).sum()}, {x}, {}, /*retain_graph=*/true)[0];  // J^T v
      Q.col(p) = to_mat((g * v).sum(1, true)).col(0);  // v . J^T v = v . J v
    }
    out = to_mat(f);
  });
}

void TorchScriptNet::forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const {
  check_batch(X, t);
  guarded(describe(), t, [&] {
    auto x = to_tensor(X, torch::kFloat).to(impl_->device).requires_grad_(true);
    const auto f = call(impl_->module, x, t, describe(), d_, true);
    tr = autograd_trace(f, x);
    out = to_mat(f);
  });
}

void TorchScriptNet::jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const {
  check_batch(X, t);
  guarded(describe(), t, [&] {
    auto x = to_tensor(X, torch::kFloat).to(impl_->device).requires_grad_(true);
    const auto f = call(impl_->module, x, t, describe(), d_, true);
    autograd_products(f, x, to_tensor(V, f.scalar_type()).to(impl_->device), JV, JTV);
    out = to_mat(f);
  });
}

void set_torch_threads(int n) { torch::set_num_threads(n); }

std::string set_torch_device(bool cuda) {
  network_device() = torch::Device(torch::kCPU);
  if (!cuda) return "cpu";
  if (!torch::cuda::is_available())
    return fmt::format("cpu: this LibTorch ({}) has no CUDA (build against PyTorch's LibTorch, docs/gpu.md)", TORCH_VERSION);
  // Under mpirun, one GPU per rank: the rank's place among the ranks on this machine.
  const int index = ranks().local_rank % int(torch::cuda::device_count());
  network_device() = torch::Device(torch::kCUDA, c10::DeviceIndex(index));
  return fmt::format("cuda:{} (LibTorch)", index);
}

}  // namespace td
