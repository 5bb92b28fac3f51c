#pragma once
// What every model kind of [[models]] gets to read its entry and to build its score
// (experiments/model_kinds/model_kind_list.hpp registers the kinds; docs/layout.md#model-kind).
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.hpp"
#include "experiments/config_reader.hpp"
#include "nn/mlp.hpp"
#include "train/dsm_train.hpp"

namespace td {

class Score;
class Process;
struct RunContext;

struct ModelRules {
  bool report_keys = false;        // series / x accepted
  int default_probes = 0;          // hutchinson_probes when a network model does not say
  int max_probes = 1024;
};

struct ModelReadContext {
  const std::string& name;  // the entry's name
  const Dataset& data;      // the experiment's data (dimension; whether it has an exact score)
  const MlpSpec& mlp_defaults;
  const TrainSpec& train_defaults;
  const ModelRules& rules;
  uint64_t seed;
};

struct ModelBuildContext {
  const std::string& name;
  const Dataset& data;
  const std::string& data_name;                    // names the data in a training record
  const std::shared_ptr<const Score>& data_exact;  // the data's exact score (null when it has none)
  const Process& process;
  uint64_t seed;
  const RunContext& run;
  nlohmann::json& info;  // gets the training record
};

// The (m, alpha) of a ring reweighted by the collapse rule, and the ring's K: the report's series.
struct CollapseTag {
  int m = 0;
  double alpha = 0;
  int K = 0;
};

}  // namespace td
