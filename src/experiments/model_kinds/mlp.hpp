#pragma once
// An MLP trained in the run by denoising score matching, on the experiment's data or on its own
// `data = {...}` (any data table), with `training`.
#include <optional>

#include "experiments/data_config.hpp"
#include "experiments/model_kinds/network_model.hpp"

namespace td {

struct MlpModel {
  static constexpr const char* kind = "mlp";
  static constexpr const char* key = "mlp";
  static constexpr const char* summary =
      "an MLP trained here by DSM on the experiment's data or its own `data`: mlp = { width, hidden, embed, prediction }, training";
  NetworkModelSpec net;
  MlpSpec mlp;                   // architecture (d set from the data)
  TrainSpec train;
  std::optional<DataRead> data;  // its own training data (absent: the experiment's data)

  static MlpModel read(ConfigReader& m, const ModelReadContext& c);
  std::optional<CollapseTag> collapse() const;  // trained on a collapsed ring
  nlohmann::json record() const;
  std::shared_ptr<const Score> build(const ModelBuildContext& c) const;  // trains it (mlp_score.cpp)
};

}  // namespace td
