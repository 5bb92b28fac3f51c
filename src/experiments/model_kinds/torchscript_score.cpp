// The TorchScript model's score: the file loaded (LibTorch).
#include "experiments/model_kinds/torchscript.hpp"
#include "nn/torchscript_net.hpp"
#include "process/process.hpp"

namespace td {

std::shared_ptr<const Score> TorchScriptModel::build(const ModelBuildContext& c) const {
  auto loaded = std::make_shared<TorchScriptNet>(file, c.data.dim, std::vector<double>{c.process.t_min()});
  return std::make_shared<NetworkScore>(loaded, c.process, net.prediction, c.name);
}

}  // namespace td
