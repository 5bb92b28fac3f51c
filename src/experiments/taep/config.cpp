#include "experiments/taep/config.hpp"

#include "core/rng.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/model_config.hpp"
#include "experiments/network_config.hpp"

namespace td {
// A network's divergence along TAEP paths: exact (d Jacobian-vector products per point) up to
// d = 64, one Hutchinson probe per path and step above (unbiased; its variance is reported).
int default_taep_probes(int d) { return d <= 64 ? 0 : 1; }

TaepConfig parse_taep_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  TaepConfig c;
  c.experiment = r.string("experiment", "taep");
  r.require(c.experiment == "taep", "experiment", "must be \"taep\" here");
  c.title = r.string("title", "Trajectory entropy production (TAEP)");
  const int64_t seed = r.integer("seed", 1);
  r.require(seed >= 0, "seed", "must be >= 0");
  c.seed = uint64_t(seed);

  c.process = r.has("process") ? read_process(r.table("process")) : default_process(ProcessKind::VP);

  if (auto s = r.optional_table("sim")) {
    c.trajectories = s->integer("trajectories", c.trajectories);
    s->require(c.trajectories >= 1, "trajectories", fmt::format("must be >= 1 (got {})", c.trajectories));
    const int64_t steps = s->integer("steps", c.steps);
    s->require(steps >= 1 && steps <= 100000000, "steps", fmt::format("must be >= 1 (got {})", steps));
    c.steps = int(steps);
    const int64_t block = s->integer("block", c.block);
    s->require(block >= 1 && block <= 65536, "block", "must be in [1, 65536]");
    c.block = int(block);
    const int64_t os = s->integer("objective_samples", c.objective_samples);
    s->require(os >= 2 && os <= 100000000, "objective_samples", "must be >= 2");
    c.objective_samples = int(os);
    c.exact_samples = s->integer("exact_samples", c.exact_samples);
    s->require(c.exact_samples >= 4, "exact_samples", "must be >= 4");
    const std::string prod = s->string("noise_product", "ito");
    s->require(prod == "ito" || prod == "midpoint", "noise_product", "must be \"ito\" or \"midpoint\" (negative control)");
    c.product = prod == "ito" ? NoiseProduct::Ito : NoiseProduct::Midpoint;
    c.dft = s->boolean("dft", false);
    c.dft_trajectories = s->integer("dft_trajectories", 0);
    s->require(c.dft_trajectories >= 0, "dft_trajectories", "must be >= 0");
    c.generated_samples = s->integer("generated_samples", c.generated_samples);
    s->require(c.generated_samples >= 0, "generated_samples", "must be >= 0");
    s->finish();
  }
  if (auto o = r.optional_table("output")) {
    c.per_trajectory_csv = o->boolean("per_trajectory", false);
    const int64_t bins = o->integer("histogram_bins", c.histogram_bins);
    o->require(bins >= 2 && bins <= 10000, "histogram_bins", "must be in [2, 10000]");
    c.histogram_bins = int(bins);
    o->finish();
  }

  {
    ConfigReader t = r.table("target");
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
  if (auto a = r.optional_table("mlp")) c.mlp_defaults = read_mlp(*a, c.mlp_defaults);
  if (auto tr = r.optional_table("training")) c.train_defaults = read_training(*tr, c.train_defaults, true);

  c.models = read_models(r, c.data, c.mlp_defaults, c.train_defaults,
                         ModelRules{.report_keys = true, .default_probes = default_taep_probes(c.data.dim)}, c.seed);
  std::set<std::string> names;
  for (const ModelSpec& m : c.models) names.insert(m.name);
  if (auto rep = r.optional_table("report")) {
    if (rep->has("side_by_side")) {
      for (const std::string& n : rep->strings("side_by_side")) {
        rep->require(names.count(n) == 1, "side_by_side", fmt::format("'{}' is not the name of a model", n));
        c.side_by_side.push_back(n);
      }
      rep->require(c.side_by_side.size() >= 2, "side_by_side", "needs at least two model names");
    }
    rep->finish();
  }
  r.finish();

  // Resolved config: the input with every default written out.
  c.resolved = root;
  toml::table proc{{"kind", process_kind_name(c.process.kind)}, {"t_min", c.process.t_min}, {"T", c.process.T}};
  if (c.process.kind == ProcessKind::VP) {
    proc.insert("beta_min", c.process.beta_min);
    proc.insert("beta_max", c.process.beta_max);
  } else if (c.process.kind == ProcessKind::VE) {
    proc.insert("sigma_min", c.process.sigma_min);
    proc.insert("sigma_max", c.process.sigma_max);
  } else if (c.process.kind == ProcessKind::VESong) {
    proc.insert("sigma", c.process.sigma_base);
  }
  c.resolved.insert_or_assign("process", proc);
  c.resolved.insert_or_assign("seed", int64_t(c.seed));
  c.resolved.insert_or_assign("title", c.title);
  c.resolved.insert_or_assign(
      "sim", toml::table{{"trajectories", c.trajectories}, {"steps", c.steps}, {"block", c.block},
                         {"objective_samples", c.objective_samples}, {"exact_samples", c.exact_samples},
                         {"noise_product", c.product == NoiseProduct::Ito ? "ito" : "midpoint"},
                         {"dft", c.dft}, {"dft_trajectories", c.dft_trajectories},
                         {"generated_samples", c.generated_samples}});
  if (std::any_of(c.models.begin(), c.models.end(), [](const ModelSpec& m) { return m.network && !m.network->torchscript; })) {
    c.resolved.insert_or_assign("training", training_table(c.train_defaults));
    c.resolved.insert_or_assign("mlp", mlp_table(c.mlp_defaults));
  }
  c.resolved.insert_or_assign("output", toml::table{{"per_trajectory", c.per_trajectory_csv},
                                                    {"histogram_bins", c.histogram_bins}});
  return c;
}

}  // namespace td
