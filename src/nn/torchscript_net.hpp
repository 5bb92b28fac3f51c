#pragma once
// A user's TorchScript model as a Network. Contract (docs/models.md#contract):
//   forward(x: Tensor[n, d] float32, t: Tensor[n] float32) -> Tensor[n, d]
// returning the prediction named in the config (eps, score or x0) for the process in the config.
// Derivatives by autograd: the exact trace with d vector-Jacobian products, Hutchinson with one
// per probe. Loading checks the contract on a probe batch and names the file in every error.
#include <memory>
#include <string>
#include <vector>

#include "nn/network.hpp"

namespace td {

class TorchScriptNet final : public Network {
 public:
  // Loads the module and checks the contract on a probe batch at each of `probe_times` (the
  // process's t_min, middle and T, so a model that fails late is refused before any work).
  TorchScriptNet(const std::string& path, int d, const std::vector<double>& probe_times = {0.5});
  ~TorchScriptNet() override;
  int dim() const override { return d_; }
  std::string describe() const override;
  using Network::forward;
  using Network::forward_quadratic;
  using Network::forward_trace;
  void forward(const Mat& X, const Vec& t, Mat& out) const override;
  void forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const override;
  void forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const override;
  void jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const override;

 private:
  void probe(const std::vector<double>& probe_times) const;
  struct Impl;  // keeps torch headers out of this one
  std::unique_ptr<Impl> impl_;
  std::string path_;
  int d_;
};

// LibTorch's intra-op threads (LibTorch lives in nn/ and train/; the CLI's thread owner calls this).
void set_torch_threads(int n);
// Where TorchScript models run: the first GPU when `cuda` and this LibTorch has CUDA (PyTorch's on a
// GPU machine; Debian's 1.13 has none), else the CPU. Returns what it chose, for results.json
// ("cuda", or "cpu: why"). Set once by the CLI before any model is loaded.
std::string set_torch_device(bool cuda);

}  // namespace td
