#pragma once
// Configuration of the "nonequilibrium" experiment (Yu & Huang; docs §4; keys in
// docs/keys/nonequilibrium.md). Data: two Gaussians N(+-mu, s2 I) in d dimensions, mu along
// (1, ..., 1)/sqrt(d) with norm `mu`, or any mixture for [ift] and [flow]; OU process. Each
// analysis is an optional table and may override mu and s2 for itself (the paper uses different s2
// for different figures).
#include <cstdint>
#include <optional>

#include "sim/ensemble.hpp"
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/mixture.hpp"
#include "experiments/grid_config.hpp"

namespace td {

struct PairData {
  double mu = 1.0, s2 = 1.0;
  int d = 1;
};

struct IftLeg {
  PairData data;
  int steps = 1000;
  double dt = 0.01;
  ReverseScheme scheme = ReverseScheme::Heun;  // the reverse leg's integrator
};

struct IftSpec {
  int64_t trajectories = 10000;
  int bins = 80;
  IftLeg forward, reverse;
};

struct FlowSpec {
  PairData data;
  double t_max = 4;
  int nodes = 80;
  int samples = 20000;  // Monte Carlo beside the closed form
};

struct PotentialSpec {
  PairData data;
  double mu_max = 2, s2_max = 3;
  int grid = 61;          // phase-diagram resolution per axis
  double x_range = 3;     // U profiles on [-x_range, x_range] along mu
};

struct FranzParisiSpec {
  PairData data;  // 1-D is used (d ignored)
  std::vector<double> t = {0.42, 0.015, 0.01};
  int pairs = 100000;
  double q0 = 0.075, dq = 0.01;
  int nq = 800;
  // Binned empirical version: P points drawn from the data in d_emp dimensions (0: skip).
  int P = 0, d_emp = 50, bins = 40, samples = 2000;
};

struct NonequilibriumConfig {
  std::string title;
  uint64_t seed = 1;
  // [data] mixture = {...}: a general mixture for [ift] and [flow] (Monte Carlo only) instead of the
  // pair; [potential] and [franz_parisi] keep the pair (their closed forms are for it).
  std::optional<GaussianMixture> mixture;
  std::optional<IftSpec> ift;
  // [grid]: the kind of the legs' grids on [0, steps x dt] (default uniform, the paper's dt; the
  // legs start at t = 0, so uniform or sigma).
  GridShape grid;
  std::optional<FlowSpec> flow;
  std::optional<PotentialSpec> potential;
  std::optional<FranzParisiSpec> franz_parisi;
  toml::table resolved;
};

NonequilibriumConfig parse_nonequilibrium_config(const toml::table& root, const std::string& file);

}  // namespace td
