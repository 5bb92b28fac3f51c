#pragma once
// Configuration of the "information" experiment (Stancevic & Ambrogioni; Biroli et al.; docs §5;
// docs/keys/information.md). Every analysis is an optional table; the ones present run.
//   [grid]              the kind of every time grid below (auto: the process's default; cloning: OU's)
//   [data] + [process]  p_0 (a ring, a mixture, a points file's or an image set's empirical law)
//                       whose exact score the first three analyses use
//   [rates]             conditional entropy rates by all estimators, marginal rate, Fisher trace,
//                       Jacobian spectrum; with [[models]] also those of each model (an MLP trained
//                       here, a TorchScript network, another mixture: score norm, divergence,
//                       x0-prediction error)
//   [fixed_points]      fixed-point paths, merge tree and bifurcation times
//   [pathwise]          h_t along forward and generative paths, V_h(t), example paths
//   [speciation]        V_h of the two-Gaussian mixture (means +-sqrt(4d/3)) over d, OU and EDM
//   [cloning]           Biroli's cloning phi(t) for N(+-1, I) at several d, against theory
//   [collapse]          excess entropy f^e(t) of P training points at several d, against theory
//   [entropic_time]     entropic vs EDM schedules on 1-D mixtures (15 points; 15 Gaussians), KL
//   [speciation_time]   t_S = 1/2 ln Lambda of a data set (any data table: a points file, an image set)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/edm_samplers.hpp"
#include "sim/ensemble.hpp"

#include <toml++/toml.h>

#include "data/mixture.hpp"
#include "data/dataset.hpp"
#include "experiments/grid_config.hpp"
#include "experiments/model_config.hpp"
#include "observe/conditional_entropy.hpp"
#include "observe/fixed_points.hpp"
#include "process/process.hpp"

namespace td {

struct PathwiseSpec {
  int nodes = 60;                 // forward times on [t_min, T] ([grid])
  int samples = 4000;             // forward samples per time
  int generative_samples = 4000;  // reverse-SDE trajectories (exact score)
  int steps = 1000;               // reverse-SDE steps ([grid])
  int records = 100;              // recorded times along the generative paths
  int paths = 6;                  // example paths kept for the figure
  ReverseScheme scheme = ReverseScheme::Heun;  // the reverse SDE's integrator
};

struct SpeciationSpec {
  std::vector<double> d = {2, 10, 100, 1000, 10000};
  int nodes = 300;
};

struct CloningSpec {
  std::vector<int> d = {256, 1024, 4096};
  int samples = 2000, steps = 400;  // Heun steps (docs/discretization.md#reverse)
  double t_min = 0.01, T = 10;
  std::vector<double> branch_times;  // default 1.0, 1.5, ..., 10.0
  ReverseScheme scheme = ReverseScheme::Heun;
};

struct CollapseSpec {
  std::vector<int> d = {256, 1024, 4096};
  int P = 20000, samples = 256, nodes = 40;
  double threshold = 0.05;  // t_C where f^e falls to threshold x alpha_P
  int bootstrap = 400;      // resamplings for t_C's 95% interval
};

struct EntropicTimeSpec {
  std::vector<int> steps = {6, 8, 12, 16, 24, 32, 64};  // noise levels per schedule
  int samples = 20000;     // generated samples per (data, schedule, steps)
  int base_nodes = 128;    // EDM base grid on which eps^2 is estimated
  int mc_samples = 1024;   // Monte Carlo samples per base node
  double sigma_min = 0.002, sigma_max = 80, rho = 7;
  int replicates = 4;        // independent sample sets per (data, schedule, steps, sampler): mean and SE of KL
  EdmChurn churn{40, 0.05, 50, 1.003};  // the stochastic sampler (EDM Algorithm 2)
};

struct InformationConfig {
  std::string title;
  uint64_t seed = 1;
  std::optional<GaussianMixture> data;    // p_0 exactly (a ring or mixture, or a data set's empirical law)
  std::optional<Dataset> dataset;         // the same as data: samplers, description
  ProcessParams process;
  GridShape grid;  // [grid]: the kind of the rates' nodes, pathwise times and steps, cloning's steps
  std::optional<ConditionalEntropyOptions> rates;
  std::vector<ModelSpec> models;  // [[models]]: models whose rates are measured beside the exact score's
  std::optional<FixedPointOptions> fixed_points;
  std::optional<PathwiseSpec> pathwise;
  std::optional<SpeciationSpec> speciation;
  std::optional<CloningSpec> cloning;
  std::optional<CollapseSpec> collapse;
  std::optional<EntropicTimeSpec> entropic_time;
  std::optional<Dataset> speciation_data;  // [speciation_time]: t_S = 1/2 ln Lambda of a data set's covariance
  toml::table resolved;
};

InformationConfig parse_information_config(const toml::table& root, const std::string& file);

}  // namespace td
