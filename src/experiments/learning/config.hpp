#pragma once
// Configuration of the "learning" experiment (Ding, Quan & Tu Sec. 4.2, Figs. 3-4;
// docs/keys/learning.md): a U-Net trained by DSM on images, snapshots along training; TAEP of
// each snapshot against the final model (Hutchinson divergences), coverage of its samples, and the
// loss Hessian against the SGD-noise covariance on conv channel subsets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/dataset.hpp"
#include "nn/unet.hpp"
#include "experiments/grid_config.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"
#include "train/unet_curvature.hpp"

namespace td {

struct LearningConfig {
  std::string title;
  uint64_t seed = 1;
  std::string data_kind = "discs";  // the [data] kind: discs, cifar10, mnist or fashion-mnist
  Dataset data;                     // the images (8-bit, dequantized), channel-first rows
  ProcessParams process;
  UNetSpec unet;
  TrainSpec train;
  int snapshots = 6;
  GridConfig grid;  // the TAEP ensemble's time grid ([grid]; refinement is not offered here)
  int taep_trajectories = 256, hutchinson_probes = 1;
  int samples = 256, sample_steps = 200;   // generated images per snapshot, for coverage
  std::vector<LayerSubset> subsets;     // empty: down0_0.c1, mid1.c1, up0_0.c2, 3 x 3 channels each
  int hessian_batches = 2, covariance_batches = 48;
  toml::table resolved;
};

LearningConfig parse_learning_config(const toml::table& root, const std::string& file);

}  // namespace td
