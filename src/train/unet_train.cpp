#include "train/unet_train.hpp"

#include "nn/unet_module.hpp"
#include "train/dsm_loop.hpp"

namespace td {

UNetTrainResult train_unet(const UNetSpec& spec, const Process& process, const DataFn& data, const TrainSpec& ts) {
  spec.validate("unet");
  ts.validate("training");
  UNetSpec s = spec;
  s.double_precision = false;  // trained in float32, like the MLP
  UNetTrainResult res;
  res.model = std::make_shared<UNetNet>(s, ts.seed);
  res.ema = std::make_shared<UNetNet>(s, ts.seed);
  UNetModule& model = res.model->impl().module;
  std::vector<int64_t> id = {s.channels, s.side, s.base, s.res_blocks, s.groups, int64_t(s.prediction), int64_t(ts.seed),
                             int64_t(ts.batch)};
  id.insert(id.end(), s.mult.begin(), s.mult.end());
  id.push_back(-1);  // separates the two lists
  id.insert(id.end(), s.attn_res.begin(), s.attn_res.end());
  const int64_t n_img = s.channels, side = s.side;
  DsmModel m{model.ptr(), res.ema->impl().module.ptr(),
             [&](const torch::Tensor& x, const torch::Tensor& t) {
               const int64_t B = x.size(0);
               return model->forward(x.reshape({B, n_img, side, side}), t.to(torch::kFloat)).reshape({B, -1});
             },
             s.prediction,
             s.dim(),
             id,
             "image shape, base, res_blocks, groups, prediction, seed, batch, mult or attention resolutions"};
  static_cast<TrainProgress&>(res) = run_dsm_loop(m, process, data, ts);
  return res;
}

}  // namespace td
