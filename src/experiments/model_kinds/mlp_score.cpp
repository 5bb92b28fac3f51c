// The MLP's score: trained here (LibTorch).
#include "experiments/experiment_common.hpp"
#include "experiments/model_kinds/mlp.hpp"

namespace td {

std::shared_ptr<const Score> MlpModel::build(const ModelBuildContext& c) const {
  const Dataset& train_on = data ? data->data : c.data;
  const std::string source =
      !data ? c.data_name : train_on.kind == DataKind::Mixture ? "mixture (see config)" : train_on.description;
  // Train stream steps 0 and 1 are the DSM loop's times and noise: the data at steps 2 and 3.
  return train_mlp_score(c.name, mlp, train, c.process, train_on.sampler({c.seed, Stream::Train}, 2), source, c.seed,
                         c.run, c.info);
}

}  // namespace td
