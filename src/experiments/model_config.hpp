#pragma once
// The one reader of [[models]] entries, shared by every experiment that measures models
// (docs/config.md#models). A model is one of the registered kinds (model_kinds/model_kind_list.hpp:
// mlp, torchscript, mixture, exact) with optional perturb = { kind = scale | rotate, eps }, hutchinson_probes, and the report's
// series / x. Names are unique; dimensions must match the data's.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "data/dataset.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/model_kinds/model_kind_list.hpp"
#include "score/perturbed_score.hpp"

namespace td {

struct PerturbSpec {
  PerturbKind kind = PerturbKind::Scale;
  double eps = 0;
};

#define TD_MODEL_ALTERNATIVE(Kind) , Kind
// One alternative per registered kind (std::monostate: not read yet).
using ModelBody = std::variant<std::monostate TD_MODEL_KINDS(TD_MODEL_ALTERNATIVE)>;
#undef TD_MODEL_ALTERNATIVE

struct ModelSpec {
  std::string name;
  ModelBody body;  // the kind and what it read
  std::optional<PerturbSpec> perturb;
  std::string series;       // optional grouping for the report (e.g. "single-mode")
  std::optional<double> x;  // the series' abscissa

  std::string kind() const;                     // the kind's name: "exact", "mixture", "mlp", "torchscript"
  const NetworkModelSpec* network() const;      // a neural model's prediction and divergence, else null
  std::optional<CollapseTag> collapse() const;  // a ring reweighted by the collapse rule (directly or as data)
  nlohmann::json network_record() const;        // results.json's "network" (null for other kinds)
  template <class Kind>
  const Kind* as() const { return std::get_if<Kind>(&body); }
};

// One line per registered kind: its name and summary (`thermodiff describe`, docs/models.md).
struct ModelKindInfo {
  const char* kind;
  const char* summary;
};
std::vector<ModelKindInfo> model_kinds();

// The [[models]] array of `r`: at least one entry. `data` is the experiment's data (dimension,
// and whether it has an exact score); mlp/training defaults come from the top-level [mlp] and
// [training] tables.
std::vector<ModelSpec> read_models(ConfigReader& r, const Dataset& data, const MlpSpec& mlp_defaults,
                                   const TrainSpec& train_defaults, const ModelRules& rules, uint64_t seed);

}  // namespace td
