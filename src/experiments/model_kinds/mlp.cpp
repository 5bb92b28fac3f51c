#include "experiments/model_kinds/mlp.hpp"

#include <fmt/format.h>

#include "experiments/network_config.hpp"

namespace td {

MlpModel MlpModel::read(ConfigReader& m, const ModelReadContext& c) {
  refuse_other_kinds(m, key);
  MlpModel out;
  ConfigReader a = m.table("mlp",
      "this model is an MLP trained in the run { width, hidden, embed, prediction } (top-level mlp gives defaults)");
  out.mlp = read_mlp(a, c.mlp_defaults);
  out.mlp.d = c.data.dim;
  out.net.prediction = out.mlp.prediction;
  if (auto dt = m.optional_table("data",
      "an MLP's own training data: any data table (ring + collapse, mixture, points, file, kind) (default: the experiment's data)")) {
    out.data = read_data(*dt, DataRules{.collapse = true}, c.seed);
    const Dataset& own = out.data->data;
    const char* k = dt->has("ring") ? "ring" : dt->has("mixture") ? "mixture" : dt->has("kind") ? "kind" : "file";
    dt->require(own.dim == c.data.dim, k, fmt::format("data dimension {} differs from the experiment's {}", own.dim, c.data.dim));
    dt->finish();
  }
  out.train = c.train_defaults;
  if (auto tr = m.optional_table("training",
      "this model's training (top-level training gives defaults)")) out.train = read_training(*tr, c.train_defaults, false);
  out.net.hutchinson_probes = read_probes(m, c.rules);
  return out;
}

std::optional<CollapseTag> MlpModel::collapse() const {
  if (!data || !data->collapse) return std::nullopt;
  return CollapseTag{data->collapse->first, data->collapse->second, data->ring_K};
}

nlohmann::json MlpModel::record() const {
  nlohmann::json j = network_record(kind, net);
  j["mlp"] = {{"width", mlp.width}, {"hidden", mlp.hidden}, {"embed", mlp.embed}};
  return j;
}

}  // namespace td
