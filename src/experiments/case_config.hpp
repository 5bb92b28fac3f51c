#pragma once
// Experiments that compare models on several data sets in one run read them the same way: either
// [data] + [[models]] at the root (one case, "data"), or [[cases]], each { name, data, models }.
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/model_config.hpp"
#include "nn/mlp.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct DataCase {
  std::string name;
  std::shared_ptr<const Dataset> data;
  std::vector<ModelSpec> models;
};

// `mlp` and `train`: the defaults of every MLP model (d set per case).
std::vector<DataCase> read_cases(ConfigReader& r, const MlpSpec& mlp, const TrainSpec& train, uint64_t seed);

// What such an experiment reads before its own table: the header, [process], [mlp] and [training]
// (the defaults of every MLP model) and its cases.
struct CasesConfig {
  std::string title;
  uint64_t seed = 1;
  ProcessParams process;
  std::vector<DataCase> cases;
  MlpSpec mlp_defaults;
  TrainSpec train_defaults;
};
void read_cases_config(ConfigReader& r, const char* kind, const char* default_title, CasesConfig& c);

}  // namespace td
