#pragma once
// Configuration of the "taep" experiment (docs/keys/taep.md lists every key).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/mixture.hpp"
#include "observe/taep.hpp"
#include "process/process.hpp"
#include "experiments/grid_config.hpp"
#include "experiments/model_config.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct TaepConfig {
  std::string title;
  uint64_t seed = 1;
  ProcessParams process;
  int64_t trajectories = 20000;
  GridConfig grid;
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
  GaussianMixture target;   // p_0 exactly: a ring or mixture, or a points file's (smoothed) empirical law
  Dataset data;             // the target as data (its samplers, description, points)
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
