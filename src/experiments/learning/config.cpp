#include "experiments/learning/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

LearningConfig parse_learning_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  LearningConfig c;
  r.require(r.string("experiment") == "learning", "experiment", "must be \"learning\" here");
  c.title = r.string("title", "Learning dynamics of a U-Net score model (Ding, Quan & Tu Sec. 4.2)");
  const int64_t seed = r.integer("seed", 1);
  r.require(seed >= 0, "seed", "must be >= 0");
  c.seed = uint64_t(seed);
  {
    // The U-Net needs images: an image set (discs by default).
    static const toml::table discs{{"kind", "discs"}};
    ConfigReader d = r.has("data") ? r.table("data") : ConfigReader(discs, file, "data");
    c.data_kind = d.string("kind", "discs");
    d.require(c.data_kind == "discs" || c.data_kind == "cifar10" || c.data_kind == "mnist" || c.data_kind == "fashion-mnist",
              "kind", "must be an image set: discs (synthetic), cifar10, mnist or fashion-mnist");
    c.data = read_data(d, DataRules{}, c.seed)->data;
    d.finish();
  }
  c.process = default_process(ProcessKind::VP);
  if (r.has("process")) c.process = read_process(r.table("process"));
  c.unet.channels = c.data.channels;
  c.unet.side = c.data.height;
  c.unet.base = 16, c.unet.mult = {1, 2}, c.unet.res_blocks = 1, c.unet.attn_res = {c.unet.side / 2}, c.unet.groups = 8;
  if (auto u = r.optional_table("unet")) {
    c.unet.base = int(u->integer("base", c.unet.base));
    c.unet.mult = u->integers("mult", c.unet.mult, 1, 64);
    c.unet.res_blocks = int(u->integer("res_blocks", c.unet.res_blocks));
    c.unet.attn_res = u->integers("attn_res", c.unet.attn_res, 1, 4096);
    c.unet.groups = int(u->integer("groups", c.unet.groups));
    c.unet.prediction = parse_prediction_key(*u, "prediction");
    u->finish();
  }
  try {
    c.unet.validate("unet");
  } catch (const InputError& e) {
    r.fail("unet", e.what());
  }
  TrainSpec base;
  base.steps = 2000, base.batch = 32, base.lr = 2e-3, base.decay = "cosine", base.warmup = 50;
  c.train = base;
  if (auto t = r.optional_table("training")) {
    c.snapshots = int(t->integer("snapshots", c.snapshots));
    t->require(c.snapshots >= 2 && c.snapshots <= 100, "snapshots", "must be in [2, 100]");
    c.train = read_training(*t, base, true);
  }
  if (auto t = r.optional_table("taep")) {
    c.taep_trajectories = int(t->integer("trajectories", c.taep_trajectories));
    c.taep_steps = int(t->integer("steps", c.taep_steps));
    c.hutchinson_probes = int(t->integer("hutchinson_probes", c.hutchinson_probes));
    t->require(c.taep_trajectories >= 8 && c.taep_trajectories <= 1 << 22, "trajectories", "must be in [8, 2^22]");
    t->require(c.taep_steps >= 1 && c.taep_steps <= 100000, "steps", "must be in [1, 10^5]");
    t->require(c.hutchinson_probes >= 1 && c.hutchinson_probes <= 16, "hutchinson_probes", "must be in [1, 16]");
    t->finish();
  }
  if (auto t = r.optional_table("samples")) {
    c.samples = int(t->integer("n", c.samples));
    c.sample_steps = int(t->integer("steps", c.sample_steps));
    t->require(c.samples >= 8 && c.samples <= 1 << 20, "n", "must be in [8, 2^20]");
    t->require(c.sample_steps >= 1 && c.sample_steps <= 100000, "steps", "must be in [1, 10^5]");
    t->finish();
  }
  if (auto t = r.optional_table("curvature")) {
    for (ConfigReader& s : t->table_array("subsets")) {
      LayerSubset cs;
      cs.kind = s.string("kind", cs.kind);
      s.require(cs.kind == "conv" || cs.kind == "attention" || cs.kind == "linear" || cs.kind == "norm", "kind",
                "must be \"conv\", \"attention\", \"linear\" or \"norm\"");
      cs.layer = s.string("layer");
      cs.out = int(s.integer("out", cs.out));
      cs.in = int(s.integer("in", cs.in));
      s.require(cs.out >= 1 && cs.in >= 1 && cs.out * cs.in <= 64, "out", "out x in must be in [1, 64] channel pairs");
      s.finish();
      c.subsets.push_back(cs);
    }
    c.hessian_batches = int(t->integer("hessian_batches", c.hessian_batches));
    c.covariance_batches = int(t->integer("covariance_batches", c.covariance_batches));
    t->require(c.hessian_batches >= 1 && c.hessian_batches <= 1000, "hessian_batches", "must be in [1, 1000]");
    t->require(c.covariance_batches >= 2 && c.covariance_batches <= 100000, "covariance_batches", "must be in [2, 10^5]");
    t->finish();
  }
  r.finish();
  c.resolved = root;
  return c;
}

}  // namespace td
