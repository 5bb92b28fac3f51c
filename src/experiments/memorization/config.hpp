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
  // The local intrinsic dimension of the model's samples beside the criterion (docs §8.3): read at
  // noise sigma~ = dimension_sigma (0: a quarter of the held-out rows' median distance to the
  // training set, the scale below which a copy sees one isolated point), on the first
  // dimension_samples samples of each sampler (0: none).
  double dimension_sigma = 0;
  int dimension_samples = 64;
  // [collapse]: the model's own collapse and speciation (docs §7.4), per n, for the model and the
  // exact empirical score alike; readings and branch times uniform in ln sigma~ on
  // [2 sigma~(t_min), sigma~(T) / 2].
  struct Collapse {
    int paths = 256;             // reverse paths read for t_C^model (0: no collapse readings)
    int readings = 24;           // reading times along them
    double threshold = 0.05;     // t_C where the posterior entropy per dimension falls to threshold x ln n / d
    int entropy_samples = 2000;  // forward draws of the training set's own excess entropy f^e (its t_C(n, d))
    int cloning_paths = 256;     // cloned paths for phi(t) and the split time (0: no cloning)
    int branches = 12;           // branch times
    int bootstrap = 400;         // resamplings of every interval
  } collapse;
  toml::table resolved;
};

MemorizationConfig parse_memorization_config(const toml::table& root, const std::string& file);

}  // namespace td
