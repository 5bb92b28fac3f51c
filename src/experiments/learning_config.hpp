#pragma once
// Configuration of the "learning" experiment (Ding, Quan & Tu Sec. 4.2, Figs. 3-4; README,
// "Configuration: learning"): a U-Net trained by DSM on images, snapshots along training; TAEP of
// each snapshot against the final model (Hutchinson divergences), coverage of its samples, and the
// loss Hessian against the SGD-noise covariance on conv channel subsets.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "nn/unet.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"
#include "train/unet_curvature.hpp"

namespace td {

struct ImageDataSpec {
  std::string kind = "discs";        // "discs" | "cifar10" | "mnist"
  int n = 2000, channels = 1, side = 8;  // discs
  std::vector<std::string> files;    // cifar10 batch files; mnist: {images, labels}
  int limit = 0;                     // use the first `limit` images (0: all)
};

struct LearningConfig {
  std::string title;
  uint64_t seed = 1;
  ImageDataSpec data;
  ProcessParams process;
  UNetSpec unet;
  TrainSpec train;
  int snapshots = 6;
  int taep_trajectories = 256, taep_steps = 100, hutchinson_probes = 1;
  int samples = 256, sample_steps = 200;   // generated images per snapshot, for coverage
  std::vector<LayerSubset> subsets;     // empty: down0_0.c1, mid1.c1, up0_0.c2, 3 x 3 channels each
  int hessian_batches = 2, covariance_batches = 48;
  toml::table resolved;
};

LearningConfig parse_learning_config(const toml::table& root, const std::string& file);

}  // namespace td
