#pragma once
// The one reader of data tables ([data], [target], a model's own `data`), shared by every
// experiment (docs/config.md#data). Exactly one of:
//   ring = { K, radius, std, dim }          K equal modes on a circle (+ collapse = { m, alpha })
//   mixture = { weights, means, std | var } an explicit Gaussian or delta mixture
//   manifold = { shape, dim, k, dims, ... } data of known intrinsic dimension (data/manifolds.hpp)
//   points = { file, std = 0, limit = 0 }   a points file (.npy N x d, f4/f8; .csv): its empirical
//   file = "points.npy" (+ std, limit)       law, each point smoothed by N(x_i, std^2 I) (0: deltas)
//   kind = "uniform8" | "gaussian"          synthetic images (side, mean, std): closed forms
//   kind = "discs" | "cifar10" | "mnist" | "fashion-mnist"
//                                           an image set (n, channels, side for discs; files,
//                                           test_files, limit; fashion-mnist defaults to Debian's
//                                           files), 8-bit, dequantized; with `std` where the
//                                           experiment needs an exact law: its empirical law
// File names are relative to the config file. Files are read here, so that a missing or malformed
// file is reported before any work starts, naming the key.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "data/dataset.hpp"
#include "experiments/config_reader.hpp"

namespace td {

struct DataRules {
  bool collapse = false;   // a ring may carry collapse = { m, alpha } (TAEP models and targets)
  bool images = true;      // image kinds allowed
  bool need_law = false;   // the experiment needs the exact law: image sets become their empirical law
  const char* default_kind = nullptr;  // the `kind` read when the table names no data (learning: "discs")
};

struct DataRead {
  Dataset data;
  int ring_K = 0;                                  // a ring's K (0 otherwise)
  std::optional<std::pair<int, double>> collapse;  // (m, alpha) when the ring was collapsed
};

// Reads the data keys of table `t` (the caller finishes it). `required`: fail when none is given.
std::optional<DataRead> read_data(ConfigReader& t, const DataRules& rules, uint64_t seed, bool required = true);

// collapse = { m, alpha } in table r, reweighting the K modes of its ring (K = 0: no ring, an error
// if collapse is given): the first m modes get alpha / K.
std::optional<std::pair<int, double>> read_collapse(ConfigReader& r, int K);

// The image kinds' default files: Fashion-MNIST from Debian's dataset-fashion-mnist.
extern const char* const kFashionMnistDir;

}  // namespace td
