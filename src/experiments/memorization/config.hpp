#pragma once
// Configuration of the "memorization" experiment (docs/memorization.md, docs/keys/memorization.md):
// a training-set-size sweep — for each n, an MLP trained here to a fixed budget on n rows of the
// data (nested random subsets), its samples by the reverse SDE and the probability-flow ODE, and
// the fraction of them that copy a training point (d1/d2 < threshold) against held-out data and the
// exact empirical score of the same n points (which copies every time).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/dataset.hpp"
#include "nn/mlp.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct MemorizationConfig {
  std::string title;
  uint64_t seed = 1;
  ProcessParams process;
  std::shared_ptr<const Dataset> data;
  std::vector<int> sizes = {16, 64, 256, 1024, 4096};  // training-set sizes n
  int held_out = 1000;    // held-out rows (the baseline), never trained on
  MlpSpec mlp;
  TrainSpec train;
  int samples = 512, steps = 200;  // generated per (n, sampler); reverse-grid steps
  std::vector<std::string> samplers = {"sde", "ode"};
  double threshold = 1.0 / 3;
  bool exact_reference = true;  // also sample the exact empirical score of each training set
  int grid_images = 8;          // image data: samples shown beside their nearest training image, per n
  toml::table resolved;
};

MemorizationConfig parse_memorization_config(const toml::table& root, const std::string& file);

}  // namespace td
