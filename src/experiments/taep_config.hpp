#pragma once
// Configuration of the "taep" experiment (README, "Configuration", documents every key).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/mixture.hpp"
#include "observe/taep.hpp"
#include "process/process.hpp"
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
  MlpSpec mlp;                          // mlp: architecture (d set from the target)
  TrainSpec train;                      // mlp: training
  std::optional<GaussianMixture> data;  // mlp: training distribution (absent: the target) ...
  std::string data_file;                // ... or points from a .csv/.npy file
  std::string file;                     // torchscript: the model file
  Prediction prediction = Prediction::Eps;
  int hutchinson_probes = 0;            // TAEP divergence: 0 = exact, k = Hutchinson with k probes
};

struct ModelSpec {
  std::string name;
  // Exact-score-field model: the score of this mixture under the same forward process.
  // Absent: the target's own exact score (the perfect model), possibly perturbed.
  std::optional<GaussianMixture> mixture;
  std::optional<std::pair<int, double>> collapse;  // (m, alpha) when built by the collapse rule
  int collapse_K = 0;                               // K of that ring
  std::optional<NetworkModelSpec> network;          // set: a neural model (mixture then absent)
  std::optional<PerturbSpec> perturb;
  std::string series;  // optional grouping for the report (e.g. "single-mode")
  std::optional<double> x;  // the series' abscissa
};

struct TaepConfig {
  std::string experiment = "taep";
  std::string title;
  uint64_t seed = 1;
  ProcessParams process;
  int64_t trajectories = 20000;
  int steps = 1000;
  int block = 256;
  int objective_samples = 1000;
  int64_t exact_samples = 200000;
  NoiseProduct product = NoiseProduct::Ito;
  bool dft = false;
  int64_t dft_trajectories = 0;  // 0: same as trajectories
  int64_t generated_samples = 2000;
  bool per_trajectory_csv = false;
  int histogram_bins = 60;
  std::vector<std::string> side_by_side;  // [report] models shown together (Fig. 2c)
  GaussianMixture target;
  bool target_is_ring = false;
  int ring_K = 0;
  MlpSpec mlp_defaults;     // top-level [mlp]
  TrainSpec train_defaults; // top-level [training]
  std::vector<ModelSpec> models;
  toml::table resolved;  // the whole config with defaults filled in
};

// Validates everything; errors name `file` and the key.
TaepConfig parse_taep_config(const toml::table& root, const std::string& file);

}  // namespace td
