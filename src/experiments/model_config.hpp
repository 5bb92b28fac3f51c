#pragma once
// The one reader of [[models]] entries, shared by every experiment that measures models
// (docs/config.md#models). A model is one of:
//   (no kind key)                       the data's own exact score (the perfect model)
//   ring = {...} | mixture = {...}      the exact score of that mixture (+ collapse = {m, alpha})
//   mlp = { width, hidden, embed, prediction }
//                                       an MLP trained here by DSM on the experiment's data, or on
//                                       its own `data = {...}` (any data table), with `training`
//   torchscript = { file, prediction }  a user's TorchScript module f(x, t) (docs/models.md)
// with optional perturb = { kind = scale | rotate, eps }, hutchinson_probes, and the report's
// series / x. Names are unique; dimensions must match the data's.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "nn/mlp.hpp"
#include "score/perturbed_score.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct PerturbSpec {
  PerturbKind kind = PerturbKind::Scale;
  double eps = 0;
};

// A neural model: an MLP trained in the run, or a user's TorchScript file.
struct NetworkModelSpec {
  bool torchscript = false;
  MlpSpec mlp;                    // mlp: architecture (d set from the data)
  TrainSpec train;                // mlp: training
  std::optional<DataRead> data;   // mlp: its own training data (absent: the experiment's data)
  std::string file;               // torchscript: the model file
  Prediction prediction = Prediction::Eps;
  int hutchinson_probes = 0;      // divergence: 0 = exact, k = Hutchinson with k probes
  bool check = true;              // torchscript: the convention check before work (nn/convention_check)
};

struct ModelSpec {
  std::string name;
  // Exact-score-field model: the score of this mixture under the same forward process.
  // Absent (and no network): the data's own exact score (the perfect model), possibly perturbed.
  std::optional<GaussianMixture> mixture;
  std::optional<std::pair<int, double>> collapse;  // (m, alpha) when built by the collapse rule
  int collapse_K = 0;                               // K of that ring
  std::optional<NetworkModelSpec> network;          // set: a neural model (mixture then absent)
  std::optional<PerturbSpec> perturb;
  std::string series;       // optional grouping for the report (e.g. "single-mode")
  std::optional<double> x;  // the series' abscissa
  bool is_exact() const { return !mixture && !network; }
  std::string kind() const;  // "exact", "mixture", "mlp" or "torchscript"
};

// Up to this dimension divergences are exact by default (a network's exact trace costs d passes;
// the variance Hutchinson probes add is not worth saving that): docs/models.md, docs/likelihood.md#defaults.
constexpr int kExactDivergenceDim = 64;
// A network model's hutchinson_probes default: 0 (exact) up to kExactDivergenceDim, else 1.
inline int default_network_probes(int d) { return d <= kExactDivergenceDim ? 0 : 1; }

struct ModelRules {
  bool report_keys = false;        // series / x accepted
  int default_probes = 0;          // hutchinson_probes when a network model does not say
  int max_probes = 1024;
};

// The [[models]] array of `r`: at least one entry. `data` is the experiment's data (dimension,
// and whether it has an exact score); mlp/training defaults come from the top-level [mlp] and
// [training] tables.
std::vector<ModelSpec> read_models(ConfigReader& r, const Dataset& data, const MlpSpec& mlp_defaults,
                                   const TrainSpec& train_defaults, const ModelRules& rules, uint64_t seed);

}  // namespace td
