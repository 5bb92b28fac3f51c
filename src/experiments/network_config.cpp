#include "experiments/network_config.hpp"

#include <fmt/format.h>

namespace td {

Prediction parse_prediction_key(ConfigReader& r, const std::string& key, const std::string& def) {
  const std::string v = r.string(key, def, "what the network outputs: eps, score or x0 (docs/models.md#contract)");
  r.require(v == "eps" || v == "score" || v == "x0", key, fmt::format("'{}' is not eps, score or x0", v));
  return parse_prediction(v);
}

LossWeighting parse_weighting_key(ConfigReader& r, const std::string& key, const std::string& def) {
  const std::string v = r.string(key, def, "DSM loss weighting: eps (uniform in eps) or likelihood (g^2)");
  r.require(v == "eps" || v == "likelihood", key, fmt::format("'{}' is not eps or likelihood", v));
  return parse_loss_weighting(v);
}

MlpSpec read_mlp(ConfigReader& a, const MlpSpec& base) {
  MlpSpec s = base;
  s.width = a.int32("width", s.width, "hidden width");
  a.require(s.width >= 1 && s.width <= 65536, "width", "must be in [1, 65536]");
  s.hidden = a.int32("hidden", s.hidden, "hidden layers");
  a.require(s.hidden >= 1 && s.hidden <= 64, "hidden", "must be in [1, 64]");
  s.embed = a.int32("embed", s.embed, "time-embedding size (even)");
  a.require(s.embed >= 2 && s.embed % 2 == 0 && s.embed <= 4096, "embed", "must be even, in [2, 4096]");
  s.prediction = parse_prediction_key(a, "prediction", prediction_name(s.prediction));
  a.finish();
  return s;
}

TrainSpec read_training(ConfigReader& tr, const TrainSpec& base, bool top_level) {
  TrainSpec t = base;
  if (top_level)
    tr.require(!tr.has("checkpoint"), "checkpoint",
        "set checkpoint per model ([[models]].training), not for all models");
  t.steps = tr.integer("steps", t.steps, "Adam steps");
  t.batch = tr.int32("batch", t.batch, "samples per step");
  t.lr = tr.number("lr", t.lr, "peak learning rate");
  t.warmup = tr.integer("warmup", t.warmup, "linear warm-up steps");
  t.decay = tr.string("decay", t.decay, "none or cosine (to 0 at the last step)");
  t.clip = tr.number("clip", t.clip, "gradient-norm clipping (0 = none)");
  t.ema = tr.number("ema", t.ema, "EMA decay of the evaluated parameters");
  t.weighting = parse_weighting_key(tr, "weighting", loss_weighting_name(t.weighting));
  if (!top_level) t.checkpoint = tr.string("checkpoint", t.checkpoint,
      "file to save to and resume from (exact resume: same result as an uninterrupted run)");
  t.checkpoint_every = tr.integer("checkpoint_every", t.checkpoint_every, "steps between checkpoints");
  tr.require(t.steps >= 1, "steps", "must be >= 1");
  tr.require(t.batch >= 1 && t.batch <= 1 << 20, "batch", "must be in [1, 2^20]");
  tr.require(t.lr > 0 && t.lr < 10, "lr", "must be in (0, 10)");
  tr.require(t.warmup >= 0, "warmup", "must be >= 0");
  tr.require(t.decay == "none" || t.decay == "cosine", "decay", "must be \"none\" or \"cosine\"");
  tr.require(t.clip >= 0, "clip", "must be >= 0 (0 = no clipping)");
  tr.require(t.ema >= 0 && t.ema < 1, "ema", "must be in [0, 1)");
  tr.require(t.checkpoint_every >= 1, "checkpoint_every", "must be >= 1");
  tr.finish();
  return t;
}

toml::table mlp_table(const MlpSpec& a) {
  return toml::table{{"width", a.width}, {"hidden", a.hidden}, {"embed", a.embed}, {"prediction", prediction_name(a.prediction)}};
}

toml::table training_table(const TrainSpec& t) {
  return toml::table{{"steps", t.steps}, {"batch", t.batch}, {"lr", t.lr}, {"warmup", t.warmup},
                     {"decay", t.decay}, {"clip", t.clip}, {"ema", t.ema},
                     {"weighting", loss_weighting_name(t.weighting)}, {"checkpoint_every", t.checkpoint_every}};
}

}  // namespace td
