#pragma once
// The exact score of a Gaussian mixture under the run's forward process: ring = {...} or
// mixture = {...}, optionally reweighted by collapse = { m, alpha } (a ring's modes).
#include <optional>

#include "data/mixture.hpp"
#include "experiments/model_kinds/model_kind.hpp"

namespace td {

struct MixtureModel {
  static constexpr const char* kind = "mixture";
  static constexpr const char* key = "ring";  // or mixture
  static constexpr const char* summary =
      "the exact score of a Gaussian mixture: ring = {...} or mixture = {...}, + collapse = { m, alpha }";
  GaussianMixture mixture;
  std::optional<CollapseTag> tag;  // built by the collapse rule

  static bool selected(const ConfigReader& m) { return m.has("ring") || m.has("mixture"); }
  static MixtureModel read(ConfigReader& m, const ModelReadContext& c);
  std::optional<CollapseTag> collapse() const { return tag; }
  std::shared_ptr<const Score> build(const ModelBuildContext& c) const;
};

}  // namespace td
