#pragma once
// Configuration of the "likelihood" experiment (docs/config.md#likelihood): the exact NLL
// (PF-ODE), entropy rates, bound and gap of every model, in one of two forms:
//   [process] + [data] + [[models]]: the user's models (TorchScript, MLPs trained here, exact
//   scores) on the user's data (points file, image set, mixture, synthetic images); or
//   Kodama & Hinczewski's sigma sweep ([sweep] + [images]): for every (data, process, sigma) an MLP
//   is trained on synthetic images.
//   VE runs: ve_song with base sigma (g = sigma^t, sigma(t)^2 = (sigma^2t - 1) / (2 ln sigma)).
//   VP runs: linear beta from beta_min, with beta_max set so that the terminal noise-to-signal ratio
//            sigma(T)/alpha(T) equals the VE run's sigma(T): the sweep is one of terminal SNR for both.
#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include <memory>

#include "data/dataset.hpp"
#include "data/image_data.hpp"
#include "experiments/model_config.hpp"
#include "nn/mlp.hpp"
#include "experiments/grid_config.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/likelihood.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

// One model on one (data, process): what the runner measures.
struct LikelihoodRun {
  std::string name;  // the model's name, or the sweep's "uniform8-ve-s25"
  std::shared_ptr<const Dataset> data;
  std::string process_name;  // "ve" | "vp" in a sweep, the process kind otherwise
  double sigma = 0;          // the sweep value (0 outside a sweep)
  ProcessParams process;
  ModelSpec model;
};

struct LikelihoodConfig {
  std::string title;
  uint64_t seed = 1;
  // Either the sigma sweep ([sweep], [images]: an MLP per (data, process, sigma)) ...
  bool sweep = false;
  std::vector<double> sigmas = {10, 15, 20, 25, 30};
  std::vector<std::string> processes = {"ve", "vp"};
  std::vector<ImageKind> datasets = {ImageKind::Uniform8, ImageKind::Gaussian};
  double t_min = 1e-4, T = 1.0, beta_min = 0.1;
  ImageSpec images;            // side and the Gaussian's mean and std (kind set per run)
  // ... or [process] + [data] + [[models]]: every model on the user's data.
  int64_t test_samples = 256;  // held-out points per model for the NLL
  NllOptions nll;
  // 8-bit data: the NLL of dequantized points (x + uniform noise over each 8-bit box, a bound on the
  // code length) or, false, of the 8-bit values themselves (not a code length: the pitfall it shows).
  bool dequantize = true;
  EntropyRateOptions rates;    // its grid kind and rho are set per run from `grid`
  GridShape grid;              // [grid]: the kind of the rates' nodes (auto: the process's default)
  bool exact_references = true;  // also run the exact score of the data, where it has one
  MlpSpec mlp_defaults;
  TrainSpec train_defaults;
  std::vector<LikelihoodRun> runs;
  toml::table resolved;
};

LikelihoodConfig parse_likelihood_config(const toml::table& root, const std::string& file);

// beta_max of the linear VP schedule whose sigma(T)/alpha(T) equals `noise_to_signal`.
double vp_beta_max_for(double noise_to_signal, double beta_min, double T);

}  // namespace td
