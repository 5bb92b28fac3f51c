#include "experiments/model_kinds/mixture.hpp"

#include <fmt/format.h>

#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "score/mixture_score.hpp"

namespace td {

MixtureModel MixtureModel::read(ConfigReader& m, const ModelReadContext& c) {
  MixtureModel out;
  int K = 0;
  out.mixture = *read_distribution(m, true, K);
  if (auto col = read_collapse(m, K)) {
    out.mixture.weights = collapse_weights(K, col->first, col->second);
    out.tag = CollapseTag{col->first, col->second, K};
  }
  m.require(out.mixture.dim() == c.data.dim, m.has("ring") ? "ring" : "mixture",
            fmt::format("model dimension {} differs from the target's {}", out.mixture.dim(), c.data.dim));
  return out;
}

std::shared_ptr<const Score> MixtureModel::build(const ModelBuildContext& c) const {
  return std::make_shared<MixtureScore>(mixture, c.process);
}

}  // namespace td
