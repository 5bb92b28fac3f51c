#pragma once
// A user's TorchScript module f(x, t) in its declared prediction type (docs/models.md#your-model),
// checked for its contract and convention before any work (experiments/models.hpp check_models).
#include <string>

#include "experiments/model_kinds/network_model.hpp"

namespace td {

struct TorchScriptModel {
  static constexpr const char* kind = "torchscript";
  static constexpr const char* key = "torchscript";
  static constexpr const char* summary =
      "a user's TorchScript module f(x, t): torchscript = { file, prediction, check }";
  NetworkModelSpec net;
  std::string file;   // the model file
  bool check = true;  // the convention check before work (nn/convention_check)

  static TorchScriptModel read(ConfigReader& m, const ModelReadContext& c);
  nlohmann::json record() const;
  std::shared_ptr<const Score> build(const ModelBuildContext& c) const;  // loads it (torchscript_score.cpp)
};

}  // namespace td
