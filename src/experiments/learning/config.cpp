#include "experiments/learning/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/grid_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

LearningConfig parse_learning_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  LearningConfig c;
  const ConfigHeader h = read_header(r, "learning",
      "Learning dynamics of a U-Net score model (Ding, Quan & Tu Sec. 4.2)");
  c.title = h.title;
  c.seed = h.seed;
  {
    // The U-Net needs images: an image set (discs by default).
    ConfigReader d = r.section("data",
        "images: { kind = discs | cifar10 | mnist | fashion-mnist, n, channels, side, files, limit }");
    for (const char* k : {"ring", "mixture", "points", "file"})
      d.require(!d.has(k), k, "the U-Net needs images: kind = discs (synthetic), cifar10, mnist or fashion-mnist");
    c.data_kind = d.string("kind", "discs",
        "discs (synthetic labelled soft discs), cifar10 (binary batches, 3x32x32), mnist or fashion-mnist (IDX, 1x28x28)");
    d.require(c.data_kind == "discs" || c.data_kind == "cifar10" || c.data_kind == "mnist" || c.data_kind == "fashion-mnist",
              "kind", "must be an image set: discs (synthetic), cifar10, mnist or fashion-mnist");
    c.data = read_data(d, DataRules{.default_kind = "discs"}, c.seed)->data;
    d.finish();
  }
  c.process = read_process(r.section("process",
      "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"));
  c.grid = read_grid(r, c.process.kind, c.process.t_min, 100);
  r.require(!c.grid.refine, "grid", "refine is not offered for learning (each refinement would rerun every U-Net snapshot)");
  c.unet.channels = c.data.channels;
  c.unet.side = c.data.height;
  c.unet.base = 16, c.unet.mult = {1, 2}, c.unet.res_blocks = 1, c.unet.attn_res = {c.unet.side / 2}, c.unet.groups = 8;
  {
    ConfigReader u = r.section("unet", "DDPM-layout U-Net { base, mult, res_blocks, attn_res, groups, prediction }");
    c.unet.base = u.int32("base", c.unet.base, "channels at full resolution");
    c.unet.mult = u.integers("mult", c.unet.mult, 1, 64, "channel multiplier per resolution");
    c.unet.res_blocks = u.int32("res_blocks", c.unet.res_blocks, "residual blocks per resolution");
    c.unet.attn_res = u.integers("attn_res", c.unet.attn_res, 1, 4096, "resolutions (image sides) with self-attention");
    c.unet.groups = u.int32("groups", c.unet.groups, "GroupNorm groups");
    c.unet.prediction = parse_prediction_key(u, "prediction");
    u.finish();
  }
  try {
    c.unet.validate("unet");
  } catch (const InputError& e) {
    r.fail("unet", e.what());
  }
  TrainSpec base;
  base.steps = 2000, base.batch = 32, base.lr = 2e-3, base.decay = "cosine", base.warmup = 50;
  c.train = base;
  {
    ConfigReader t = r.section("training",
        "the U-Net's DSM training { steps, batch, lr, warmup, decay, clip, ema, weighting, snapshots, ... }");
    c.snapshots = t.int32("snapshots", c.snapshots, "evenly spaced snapshots of the one run (exact resumes)");
    t.require(c.snapshots >= 2 && c.snapshots <= 100, "snapshots", "must be in [2, 100]");
    c.train = read_training(t, base, true);
  }
  {
    ConfigReader t = r.section("taep", "TAEP of each snapshot's EMA model against the final one");
    c.taep_trajectories = t.int32("trajectories", c.taep_trajectories, "paths");
    c.hutchinson_probes = t.int32("hutchinson_probes", c.hutchinson_probes,
        "Rademacher probes per divergence (0: exact divergence)");
    t.require(c.taep_trajectories >= 8 && c.taep_trajectories <= 1 << 22, "trajectories", "must be in [8, 2^22]");
    t.require(c.hutchinson_probes >= 1 && c.hutchinson_probes <= 16, "hutchinson_probes", "must be in [1, 16]");
    t.finish();
  }
  {
    ConfigReader t = r.section("samples", "reverse-SDE samples per snapshot for density/coverage (k = 5)");
    c.samples = t.int32("n", c.samples, "samples");
    c.sample_steps = t.int32("steps", c.sample_steps, "reverse-SDE steps");
    t.require(c.samples >= 8 && c.samples <= 1 << 20, "n", "must be in [8, 2^20]");
    t.require(c.sample_steps >= 1 && c.sample_steps <= 100000, "steps", "must be in [1, 10^5]");
    t.finish();
  }
  {
    ConfigReader t = r.section("curvature", "DSM-loss Hessian vs mini-batch gradient covariance on parameter subsets");
    for (ConfigReader& s : t.table_array("subsets",
        "[[curvature.subsets]] { kind, layer, out, in } (default: down0_0.c1, mid1.c1, up0_0.c2 3 x 3, mid_attn 2 x 3, mid1.t 3 x 3, mid1.n1 8); the DSM loss Hessian by double backward, the covariance of mini-batch gradients")) {
      LayerSubset cs;
      cs.kind = s.string("kind", cs.kind, "conv (a convolution's first out x in channels with full kernels), attention (an attention block's matched q/k/v channels), linear (a linear layer's first out x in nodes with the outputs' biases) or norm (a GroupNorm's first out scales and shifts)");
      s.require(cs.kind == "conv" || cs.kind == "attention" || cs.kind == "linear" || cs.kind == "norm", "kind",
                "must be \"conv\", \"attention\", \"linear\" or \"norm\"");
      cs.layer = s.string("layer", kRequired, "the module's name (e.g. mid1.c1)");
      cs.out = s.int32("out", cs.out, "output channels / nodes");
      cs.in = s.int32("in", cs.in, "input channels / nodes");
      s.require(cs.out >= 1 && cs.in >= 1 && cs.out * cs.in <= 64, "out", "out x in must be in [1, 64] channel pairs");
      s.finish();
      c.subsets.push_back(cs);
    }
    c.hessian_batches = t.int32("hessian_batches", c.hessian_batches, "mini-batches averaged for the Hessian");
    c.covariance_batches = t.int32("covariance_batches", c.covariance_batches,
        "mini-batch gradients for the covariance");
    t.require(c.hessian_batches >= 1 && c.hessian_batches <= 1000, "hessian_batches", "must be in [1, 1000]");
    t.require(c.covariance_batches >= 2 && c.covariance_batches <= 100000, "covariance_batches", "must be in [2, 10^5]");
    t.finish();
  }
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td
