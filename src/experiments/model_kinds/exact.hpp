#pragma once
// The data's own exact score (the perfect model): an entry that names no other kind.
#include "experiments/model_kinds/model_kind.hpp"

namespace td {

struct ExactModel {
  static constexpr const char* kind = "exact";
  static constexpr const char* key = nullptr;  // the entry names no kind
  static constexpr const char* summary = "the data's own exact score (an entry with no kind key): the perfect model";

  static ExactModel read(ConfigReader& m, const ModelReadContext& c);
  std::shared_ptr<const Score> build(const ModelBuildContext& c) const;
};

}  // namespace td
