#include "experiments/memorization/config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

namespace {

// The rows n are drawn from, and how many: a file's rows (its held-out set aside when it has none of
// its own), or unlimited for a law.
int64_t pool_rows(const Dataset& d, int held_out) {
  if (d.kind != DataKind::Points && d.kind != DataKind::Images) return int64_t(1) << 40;
  return d.points->rows() - (d.held_out ? 0 : held_out);
}

void read_collapse(ConfigReader& r, MemorizationConfig::Collapse& c) {
  ConfigReader s = r.section("collapse", "the model's own collapse time t_C^model and its cloning split time, per n");
  c.paths = s.int32("paths", c.paths, "reverse paths of each model read for t_C^model (0: none)");
  c.readings = s.int32("readings", c.readings, "reading times, uniform in ln sigma~ on [2 sigma~(t_min), sigma~(T) / 2]");
  c.threshold = s.number("threshold", c.threshold, "t_C where the posterior entropy per dimension falls to threshold x ln n / d");
  c.entropy_samples = s.int32("entropy_samples", c.entropy_samples, "forward draws of each training set's excess entropy (its t_C(n, d))");
  c.cloning_paths = s.int32("cloning_paths", c.cloning_paths, "cloned reverse paths of each model for phi(t) and its split time (0: none)");
  c.branches = s.int32("branches", c.branches, "branch times of the cloning, uniform in ln sigma~ on the readings' range");
  c.bootstrap = s.int32("bootstrap", c.bootstrap, "bootstrap resamplings of every interval");
  s.require(c.paths == 0 || (c.paths >= 2 && c.paths <= 1 << 20), "paths", "must be 0 or in [2, 2^20]");
  s.require(c.readings >= 3 && c.readings <= 1000, "readings", "must be in [3, 1000]");
  s.require(c.threshold > 0 && c.threshold < 1, "threshold", "must be in (0, 1)");
  s.require(c.entropy_samples >= 2 && c.entropy_samples <= 1 << 22, "entropy_samples", "must be in [2, 2^22]");
  s.require(c.cloning_paths == 0 || (c.cloning_paths >= 2 && c.cloning_paths <= 1 << 20), "cloning_paths", "must be 0 or in [2, 2^20]");
  s.require(c.branches >= 3 && c.branches <= 200, "branches", "must be in [3, 200]");
  s.require(c.bootstrap >= 0 && c.bootstrap <= 100000, "bootstrap", "must be in [0, 10^5]");
  s.finish();
}

}  // namespace

MemorizationConfig parse_memorization_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  MemorizationConfig c;
  const ConfigHeader h = read_header(r, "memorization", "Memorization of the training set against its size");
  c.title = h.title;
  c.seed = h.seed;
  c.process = read_process(r.section("process", "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"));
  {
    ConfigReader d = r.table("data", "the data the training sets are drawn from: image set, points file, mixture or ring");
    c.data = std::make_shared<const Dataset>(read_data(d, DataRules{}, c.seed)->data);
    d.finish();
  }
  c.mlp.d = c.data->dim;
  {
    ConfigReader a = r.section("mlp", "the network trained for every training-set size (d = the data's dimension)");
    c.mlp = read_mlp(a, c.mlp);
    c.mlp.d = c.data->dim;
  }
  c.train.seed = c.seed;
  {
    ConfigReader tr = r.section("training", "the fixed training budget of every network");
    c.train = read_training(tr, c.train, true);
  }
  ConfigReader s = r.section("memorization", "training-set sizes, samples, samplers and the criterion");
  c.sizes = s.integers("sizes", c.sizes, 2, 1 << 24, "training-set sizes n (nested random subsets of the data)");
  c.held_out = s.int32("held_out", c.held_out,
      "held-out rows, the baseline: an image set's test rows, fresh draws of a law, or rows of a file set aside before any training set is drawn");
  c.samples = s.int32("samples", c.samples, "samples generated per (n, sampler)");
  c.steps = s.int32("steps", c.steps, "steps of the reverse grid (uniform in the process's time)");
  c.samplers = s.strings("samplers", c.samplers, "sde (the reverse SDE, Heun) and/or ode (the probability-flow ODE, RK4)");
  c.threshold = s.number("threshold", c.threshold, "a sample is memorized when d1/d2 < threshold (nearest / second-nearest training point)");
  c.exact_reference = s.boolean("exact_reference", c.exact_reference,
      "also sample the exact empirical score of each training set (the model that copies: the criterion's ceiling)");
  c.grid_images = s.int32("grid_images", c.grid_images, "image data: samples shown beside their nearest training image, per n");
  c.dimension_sigma = s.number("dimension_sigma", c.dimension_sigma,
      "noise level sigma~ of the samples' intrinsic dimension (0: a quarter of the held-out rows' median distance to each training set)");
  c.dimension_samples = s.int32("dimension_samples", c.dimension_samples,
      "samples per (n, sampler) whose intrinsic dimension is read beside the criterion (at most samples; 0: none)");
  s.require(!c.sizes.empty() && std::is_sorted(c.sizes.begin(), c.sizes.end()), "sizes", "must be a non-empty ascending list");
  s.require(c.held_out >= 2 && c.held_out <= 1 << 22, "held_out", "must be in [2, 2^22]");
  s.require(c.samples >= 2 && c.samples <= 1 << 22, "samples", "must be in [2, 2^22]");
  s.require(c.steps >= 2 && c.steps <= 100000, "steps", "must be in [2, 10^5]");
  s.require(!c.samplers.empty(), "samplers", "needs sde, ode or both");
  for (const std::string& k : c.samplers) s.require(k == "sde" || k == "ode", "samplers", fmt::format("'{}' is not sde or ode", k));
  s.require(c.threshold > 0 && c.threshold <= 1, "threshold", "must be in (0, 1]");
  s.require(c.grid_images >= 0 && c.grid_images <= 64, "grid_images", "must be in [0, 64]");
  s.require(c.dimension_sigma >= 0, "dimension_sigma", "must be >= 0 (0: from the data)");
  s.require(c.dimension_samples >= 0 && c.dimension_samples <= 1 << 20, "dimension_samples", "must be in [0, 2^20] (at most `samples` are read)");
  const int64_t pool = pool_rows(*c.data, c.held_out);
  s.require(pool >= c.sizes.back(), "sizes",
            fmt::format("the largest n = {} exceeds the {} rows training sets can be drawn from{}", c.sizes.back(), pool,
                        c.data->held_out ? "" : fmt::format(" ({} held out)", c.held_out)));
  if (c.data->held_out) s.require(c.data->held_out->rows() >= c.held_out, "held_out",
                                  fmt::format("the data has {} held-out rows", c.data->held_out->rows()));
  s.require(c.process.t_min > 0, "sizes", "needs process.t_min > 0");
  s.finish();
  read_collapse(r, c.collapse);
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td
