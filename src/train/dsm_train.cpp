// The MLP's torch module and its training (the loop itself: train/dsm_loop.cpp).
#include "train/dsm_train.hpp"


#include <cmath>
#include <cstdio>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/torch_convert.hpp"
#include "train/dsm_loop.hpp"

namespace td {
namespace {

// The network of nn/mlp.hpp as a torch module (same layer layout, same embedding).
struct TorchMlpImpl : torch::nn::Module {
  explicit TorchMlpImpl(const MlpSpec& s) : spec(s) {
    for (int l = 0; l <= s.hidden; ++l) {
      const int in = l == 0 ? s.d + s.embed : s.width, out = l == s.hidden ? s.d : s.width;
      layers.push_back(register_module("fc" + std::to_string(l), torch::nn::Linear(in, out)));
    }
  }
  // x [n, d], t [n] (double); output [n, d] in the dtype of the parameters.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) {
    const int half = spec.embed / 2;
    const auto w = torch::exp(-std::log(10000.0) * torch::arange(half, torch::kDouble) / half);
    const auto a = spec.time_scale * t.to(torch::kDouble).unsqueeze(1) * w.unsqueeze(0);
    const auto dtype = layers[0]->weight.scalar_type();
    auto h = torch::cat({x.to(dtype), torch::cat({torch::sin(a), torch::cos(a)}, 1).to(dtype)}, 1);
    for (size_t l = 0; l < layers.size(); ++l) {
      h = layers[l]->forward(h);
      if (l + 1 < layers.size()) h = torch::silu(h);
    }
    return h;
  }
  MlpSpec spec;
  std::vector<torch::nn::Linear> layers;
};
TORCH_MODULE(TorchMlp);

MlpWeights export_weights(const TorchMlp& m) {
  MlpWeights w;
  w.spec = m->spec;
  for (const auto& layer : m->layers) {
    const auto W = layer->weight.detach().to(torch::kFloat).contiguous();
    const auto b = layer->bias.detach().to(torch::kFloat).contiguous();
    w.W.push_back(Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        W.data_ptr<float>(), W.size(0), W.size(1)));
    w.b.push_back(Eigen::Map<const VecF>(b.data_ptr<float>(), b.size(0)));
  }
  return w;
}

void import_weights(TorchMlp& m, const MlpWeights& w) {
  torch::NoGradGuard ng;
  for (size_t l = 0; l < m->layers.size(); ++l) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> W = w.W[l];
    auto& layer = m->layers[l];
    layer->weight.copy_(torch::from_blob(const_cast<float*>(W.data()), {W.rows(), W.cols()}, torch::kFloat));
    layer->bias.copy_(torch::from_blob(const_cast<float*>(w.b[l].data()), {w.b[l].size()}, torch::kFloat));
  }
}

}  // namespace

MlpWeights init_mlp(const MlpSpec& spec, uint64_t seed) {
  spec.validate("MLP");
  torch::manual_seed(seed);
  return export_weights(TorchMlp(spec));
}

void mlp_autograd_trace(const MlpWeights& w, const Mat& X, double t, Mat& out, Vec& tr) {
  w.validate("MLP weights");
  TorchMlp m(w.spec);
  import_weights(m, w);
  m->to(torch::kDouble);
  const int n = int(X.rows());
  auto x = to_tensor(X).requires_grad_(true);
  const auto f = m->forward(x, torch::full({n}, t, torch::kDouble));
  tr = autograd_trace(f, x);
  out = to_mat(f);
}

TrainResult train_dsm(const MlpSpec& spec, const Process& process, const DataFn& data, const TrainSpec& ts) {
  spec.validate("MLP");
  ts.validate("training");
  torch::manual_seed(ts.seed);
  TorchMlp model(spec);
  TorchMlp ema(spec);
  DsmModel m{model.ptr(), ema.ptr(),
             [&](const torch::Tensor& x, const torch::Tensor& t) { return model->forward(x, t); },
             spec.prediction,
             spec.d,
             {spec.d, spec.width, spec.hidden, spec.embed, int64_t(spec.prediction), int64_t(ts.seed), int64_t(ts.batch)},
             "d, width, hidden, embed, prediction, seed or batch"};
  TrainResult res;
  static_cast<TrainProgress&>(res) = run_dsm_loop(m, process, data, ts);
  res.model = export_weights(model);
  res.ema = export_weights(ema);
  return res;
}

}  // namespace td
