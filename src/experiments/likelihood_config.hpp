#pragma once
// Configuration of the "likelihood" experiment (Kodama & Hinczewski's sigma sweep; README,
// "Configuration: likelihood"): for every (data, process, sigma) of the sweep, an MLP is trained
// on synthetic images and its exact NLL (PF-ODE), entropy rates, bound and gap are measured.
//   VE runs: ve_song with base sigma (g = sigma^t, sigma(t)^2 = (sigma^2t - 1) / (2 ln sigma)).
//   VP runs: linear beta from beta_min, with beta_max set so that the terminal noise-to-signal ratio
//            sigma(T)/alpha(T) equals the VE run's sigma(T): the sweep is one of terminal SNR for both.
#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/image_data.hpp"
#include "nn/mlp.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/likelihood.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct LikelihoodRun {
  std::string name;  // e.g. "uniform8-ve-s25"
  ImageSpec data;
  std::string process_name;  // "ve" | "vp"
  double sigma = 0;          // the sweep value
  ProcessParams process;
  MlpSpec mlp;
  TrainSpec train;
};

struct LikelihoodConfig {
  std::string title;
  uint64_t seed = 1;
  std::vector<double> sigmas = {10, 15, 20, 25, 30};
  std::vector<std::string> processes = {"ve", "vp"};
  std::vector<ImageKind> datasets = {ImageKind::Uniform8, ImageKind::Gaussian};
  double t_min = 1e-4, T = 1.0, beta_min = 0.1;
  ImageSpec images;            // side and the Gaussian's mean and std (kind set per run)
  int64_t test_samples = 256;  // held-out images per model for the NLL
  NllOptions nll;
  EntropyRateOptions rates;
  bool exact_references = true;  // also run the exact score of each (data, process)
  MlpSpec mlp_defaults;
  TrainSpec train_defaults;
  std::vector<LikelihoodRun> runs;  // the expanded sweep
  toml::table resolved;
};

LikelihoodConfig parse_likelihood_config(const toml::table& root, const std::string& file);

// beta_max of the linear VP schedule whose sigma(T)/alpha(T) equals `noise_to_signal`.
double vp_beta_max_for(double noise_to_signal, double beta_min, double T);

}  // namespace td
