#include "experiments/taep/config.hpp"

#include "core/rng.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/header_config.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/model_config.hpp"
#include "experiments/network_config.hpp"

namespace td {
// A network's divergence along TAEP paths: exact (d Jacobian-vector products per point) up to
// d = 64, one Hutchinson probe per path and step above (unbiased; its variance is reported).
TaepConfig parse_taep_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  TaepConfig c;
  const ConfigHeader h = read_header(r, "taep", "Trajectory entropy production (TAEP)");
  c.title = h.title;
  c.seed = h.seed;

  c.process = read_process(r.section("process",
      "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"));

  c.grid = read_grid(r, c.process.kind, c.process.t_min, 1000);
  {
    ConfigReader s = r.section("sim", "the trajectory ensemble");
    c.trajectories = s.integer("trajectories", c.trajectories, "forward paths (all models share them)");
    s.require(c.trajectories >= 1, "trajectories", fmt::format("must be >= 1 (got {})", c.trajectories));
    const int64_t block = s.integer("block", c.block,
        "trajectories per block (performance only; results do not depend on it)");
    s.require(block >= 1 && block <= 65536, "block", "must be in [1, 65536]");
    c.block = int(block);
    const int64_t os = s.integer("objective_samples", c.objective_samples,
        "samples of p_t per grid node for the score-matching objective");
    s.require(os >= 2 && os <= 100000000, "objective_samples", "must be >= 2");
    c.objective_samples = int(os);
    c.exact_samples = s.integer("exact_samples", c.exact_samples, "samples for the exact references");
    s.require(c.exact_samples >= 4, "exact_samples", "must be >= 4");
    const std::string prod = s.string("noise_product", "ito",
        "ito, or midpoint: the deliberately wrong negative control (docs/taep.md)");
    s.require(prod == "ito" || prod == "midpoint", "noise_product",
        "must be \"ito\" or \"midpoint\" (negative control)");
    c.product = prod == "ito" ? NoiseProduct::Ito : NoiseProduct::Midpoint;
    c.dft = s.boolean("dft", false, "also run the reverse sampler and check the detailed FT");
    c.dft_trajectories = s.integer("dft_trajectories", 0, "reverse paths for the DFT (0 = as many as trajectories)");
    s.require(c.dft_trajectories >= 0, "dft_trajectories", "must be >= 0");
    c.generated_samples = s.integer("generated_samples", c.generated_samples,
        "samples drawn from each model by the reverse SDE and the PF-ODE, for density and coverage");
    s.require(c.generated_samples >= 0, "generated_samples", "must be >= 0");
    s.finish();
  }
  {
    ConfigReader o = r.section("output", "{ per_trajectory = false, histogram_bins = 60 }");
    c.per_trajectory_csv = o.boolean("per_trajectory", false,
        "write taep_MODEL.csv: per-trajectory Sigma, its parts and the exact value");
    const int64_t bins = o.integer("histogram_bins", c.histogram_bins, "bins of the TAEP histograms");
    o.require(bins >= 2 && bins <= 10000, "histogram_bins", "must be in [2, 10000]");
    c.histogram_bins = int(bins);
    o.finish();
  }

  {
    ConfigReader t = r.table("target",
        "the data distribution p_0: ring, mixture, points = { file, std }, file, or an image set (kind) as its empirical law (std)");
    const DataRead target = *read_data(t, DataRules{.need_law = true}, c.seed);
    c.target = *target.data.law;
    c.data = target.data;
    c.target_is_ring = target.ring_K > 0;
    c.ring_K = target.ring_K;
    t.finish();
  }

  // Defaults for every mlp model (a model's own mlp/training keys override them): one --set
  // training.steps=... scales a whole experiment.
  c.mlp_defaults.d = c.target.dim();
  if (auto a = r.optional_table("mlp",
      "defaults for every mlp model { width, hidden, embed, prediction }")) c.mlp_defaults = read_mlp(*a, c.mlp_defaults);
  if (auto tr = r.optional_table("training",
      "defaults for every mlp model's training (checkpoint only per model)")) c.train_defaults = read_training(*tr, c.train_defaults, true);

  c.models = read_models(r, c.data, c.mlp_defaults, c.train_defaults,
                         ModelRules{.report_keys = true, .default_probes = default_network_probes(c.data.dim)}, c.seed);
  std::set<std::string> names;
  for (const ModelSpec& m : c.models) names.insert(m.name);
  if (auto rep = r.optional_table("report", "{ side_by_side = [model names] }")) {
    if (rep->has("side_by_side")) {
      for (const std::string& n : rep->strings("side_by_side", kRequired,
          "models shown together: Sigma histograms on one axis, <Sigma> and Var Sigma bars (Fig. 2c)")) {
        rep->require(names.count(n) == 1, "side_by_side", fmt::format("'{}' is not the name of a model", n));
        c.side_by_side.push_back(n);
      }
      rep->require(c.side_by_side.size() >= 2, "side_by_side", "needs at least two model names");
    }
    rep->finish();
  }
  r.finish();

  c.resolved = r.resolved();  // the config as read, every default written out
  return c;
}

}  // namespace td
