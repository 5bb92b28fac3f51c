#include "train/unet_curvature.hpp"

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

LossCurvature unet_loss_curvature(const UNetNet& net, const Process& process, const DataFn& data, const TrainSpec& ts,
                                  const std::vector<ConvSubsetSpec>& subsets, int hessian_batches, int covariance_batches) {
  if (subsets.empty()) throw InputError("loss curvature: no parameter subsets");
  if (hessian_batches < 1 || covariance_batches < 2) throw InputError("loss curvature: need >= 1 Hessian and >= 2 covariance batches");
  UNetModule& module = net.impl().module;
  const auto named = module->named_parameters();
  LossCurvature r;
  std::vector<ParamSubset> ps;
  for (const ConvSubsetSpec& s : subsets) {
    const std::string key = s.layer + ".weight";
    if (!named.contains(key))
      throw InputError(fmt::format("loss curvature: the U-Net has no convolution '{}' (see its conv layers)", s.layer));
    const torch::Tensor w = named[key];
    if (w.dim() != 4) throw InputError(fmt::format("loss curvature: '{}' is not a convolution", s.layer));
    if (s.out < 1 || s.in < 1 || s.out > w.size(0) || s.in > w.size(1))
      throw InputError(fmt::format("loss curvature: '{}' has {} x {} channels, asked for {} x {}", s.layer, w.size(0), w.size(1),
                                   s.out, s.in));
    std::vector<int64_t> o(static_cast<size_t>(s.out)), i(static_cast<size_t>(s.in));
    for (int k = 0; k < s.out; ++k) o[size_t(k)] = k;
    for (int k = 0; k < s.in; ++k) i[size_t(k)] = k;
    ps.push_back(conv_subset(s.layer, w, o, i));
    r.layers.push_back(s.layer);
    r.entry_layer.insert(r.entry_layer.end(), ps.back().index.size(), int(r.layers.size()) - 1);
  }
  const int64_t n_img = net.spec().channels, side = net.spec().side;
  DsmModel m{module.ptr(), module.ptr(),
             [&](const torch::Tensor& x, const torch::Tensor& t) {
               const int64_t B = x.size(0);
               return module->forward(x.reshape({B, n_img, side, side}).to(torch::kFloat), t.to(torch::kFloat)).reshape({B, -1});
             },
             net.spec().prediction, net.dim(), {}, ""};
  const int64_t base = int64_t(1) << 40;  // batch keys far past any training step
  r.hessian = subset_hessian(ps, [&](int64_t b) { return dsm_batch_loss(m, process, data, ts, base + b); }, hessian_batches);
  const GradientSamples g =
      subset_gradients(ps, [&](int64_t b) { return dsm_batch_loss(m, process, data, ts, base + hessian_batches + b); }, covariance_batches);
  r.covariance = g.cov;
  r.mean_gradient = g.mean;
  return r;
}

}  // namespace td
