#pragma once
// Config sections shared by the experiments that train networks: [mlp] and [training] (docs/keys/),
// read through ConfigReader, and their resolved form for config.toml.
#include <string>

#include <toml++/toml.h>

#include "experiments/config_reader.hpp"
#include "nn/mlp.hpp"
#include "train/dsm_train.hpp"

namespace td {

Prediction parse_prediction_key(ConfigReader& r, const std::string& key, const std::string& def = "eps");
LossWeighting parse_weighting_key(ConfigReader& r, const std::string& key, const std::string& def = "eps");
// mlp = { width, hidden, embed, prediction }, each defaulting to `base`.
MlpSpec read_mlp(ConfigReader& a, const MlpSpec& base);
// training = { steps, batch, lr, ... }, each defaulting to `base` (the top-level [training]).
// The top-level table may not name a checkpoint: models would overwrite each other's.
TrainSpec read_training(ConfigReader& tr, const TrainSpec& base, bool top_level);
toml::table mlp_table(const MlpSpec& a);
toml::table training_table(const TrainSpec& t);

}  // namespace td
