#include "train/unet_curvature.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"
#include "nn/unet_module.hpp"
#include "train/curvature.hpp"
#include "train/dsm_loop.hpp"

namespace td {

std::vector<std::string> unet_conv_layers(const UNetNet& net) {
  std::vector<std::string> out;
  for (const auto& p : net.impl().module->named_parameters()) {
    const std::string& k = p.key();
    if (p.value().dim() == 4 && k.size() > 7 && k.compare(k.size() - 7, 7, ".weight") == 0) out.push_back(k.substr(0, k.size() - 7));
  }
  return out;
}

namespace {

// The U-Net's module as the DSM loop's model (float32 forward on flattened images).
DsmModel dsm_model(const UNetNet& net) {
  UNetModule module = net.impl().module;
  const int64_t n_img = net.spec().channels, side = net.spec().side;
  return DsmModel{module.ptr(), module.ptr(),
                  [module, n_img, side](const torch::Tensor& x, const torch::Tensor& t) mutable {
                    const int64_t B = x.size(0);
                    return module->forward(x.reshape({B, n_img, side, side}).to(torch::kFloat), t.to(torch::kFloat))
                        .reshape({B, -1});
                  },
                  net.spec().prediction, net.dim(), {}, ""};
}

constexpr int64_t kFreshBatches = int64_t(1) << 40;  // batch keys far past any training step

}  // namespace

std::vector<double> unet_dsm_losses(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                    int batches) {
  if (batches < 1) throw InputError("DSM losses: batches must be >= 1");
  const DsmModel m = dsm_model(net);
  torch::NoGradGuard ng;
  std::vector<double> out;
  for (int b = 0; b < batches; ++b) {
    const torch::Tensor l = dsm_sample_losses(m, process, data, ts, kFreshBatches + (int64_t(1) << 30) + b).to(torch::kDouble).contiguous();
    out.insert(out.end(), l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
  }
  return out;
}

LossCurvature unet_loss_curvature(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                  const std::vector<LayerSubset>& subsets, int hessian_batches, int covariance_batches) {
  if (subsets.empty()) throw InputError("loss curvature: no parameter subsets");
  if (hessian_batches < 1 || covariance_batches < 2) throw InputError("loss curvature: need >= 1 Hessian and >= 2 covariance batches");
  UNetModule& module = net.impl().module;
  const auto named = module->named_parameters();
  LossCurvature r;
  std::vector<ParamSubset> ps;
  auto param = [&](const std::string& key) {
    if (!named.contains(key)) throw InputError(fmt::format("loss curvature: the U-Net has no parameter '{}'", key));
    return named[key];
  };
  auto range = [](int n) {
    std::vector<int64_t> v(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) v[size_t(k)] = k;
    return v;
  };
  for (const LayerSubset& s : subsets) {
    const size_t before = ps.size();
    if (s.kind == "conv" || s.kind == "attention") {
      const torch::Tensor w = param(s.layer + (s.kind == "attention" ? ".qkv.weight" : ".weight"));
      if (w.dim() != 4) throw InputError(fmt::format("loss curvature: '{}' is not a convolution", s.layer));
      const int64_t C = s.kind == "attention" ? w.size(0) / 3 : w.size(0);
      if (s.out < 1 || s.in < 1 || s.out > C || s.in > w.size(1))
        throw InputError(fmt::format("loss curvature: '{}' has {} x {} channels, asked for {} x {}", s.layer, C, w.size(1), s.out, s.in));
      std::vector<int64_t> o = range(s.out);
      if (s.kind == "attention")  // the same channels of q, k and v
        for (int c = 0; c < s.out; ++c) o.push_back(C + c), o.push_back(2 * C + c);
      std::sort(o.begin(), o.end());
      ps.push_back(conv_subset(s.layer, w, o, range(s.in)));
    } else if (s.kind == "linear") {
      const torch::Tensor w = param(s.layer + ".weight"), b = param(s.layer + ".bias");
      if (w.dim() != 2) throw InputError(fmt::format("loss curvature: '{}' is not a linear layer", s.layer));
      if (s.out < 1 || s.in < 1 || s.out > w.size(0) || s.in > w.size(1))
        throw InputError(fmt::format("loss curvature: '{}' has {} x {} nodes, asked for {} x {}", s.layer, w.size(0), w.size(1), s.out, s.in));
      for (ParamSubset& q : linear_subset(s.layer, w, b, range(s.out), range(s.in))) ps.push_back(q);
    } else if (s.kind == "norm") {
      const torch::Tensor g = param(s.layer + ".weight"), b = param(s.layer + ".bias");
      if (s.out < 1 || s.out > g.size(0))
        throw InputError(fmt::format("loss curvature: '{}' has {} channels, asked for {}", s.layer, g.size(0), s.out));
      ps.push_back(vector_subset(s.layer + ".weight", g, range(s.out)));
      ps.push_back(vector_subset(s.layer + ".bias", b, range(s.out)));
    } else {
      throw InputError(fmt::format("loss curvature: subset kind '{}' is not conv, attention, linear or norm", s.kind));
    }
    r.layers.push_back(s.layer);
    for (size_t q = before; q < ps.size(); ++q) r.entry_layer.insert(r.entry_layer.end(), ps[q].index.size(), int(r.layers.size()) - 1);
  }
  const DsmModel m = dsm_model(net);
  const int64_t base = kFreshBatches;
  r.hessian = subset_hessian(ps, [&](int64_t b) { return dsm_batch_loss(m, process, data, ts, base + b); }, hessian_batches);
  const GradientSamples g =
      subset_gradients(ps, [&](int64_t b) { return dsm_batch_loss(m, process, data, ts, base + hessian_batches + b); }, covariance_batches);
  r.covariance = g.cov;
  r.mean_gradient = g.mean;
  return r;
}

}  // namespace td
