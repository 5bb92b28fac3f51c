#pragma once
// Configuration of the "schedules" experiment (docs/schedules.md, docs/keys/schedules.md): sampling
// schedules derived from each model (entropic time, path-KL optimal, speciation-aware) beside the
// baselines, exported for k-diffusion and diffusers and compared under EDM's samplers at several
// step counts, on paired draws. One [process]; either [data] + [[models]] or several [[cases]],
// each with its own data and models (a 2-D and an 8-D mixture in one run).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "data/dataset.hpp"
#include "experiments/case_config.hpp"
#include "experiments/model_config.hpp"
#include "nn/mlp.hpp"
#include "process/process.hpp"
#include "process/schedule_export.hpp"
#include "sim/edm_samplers.hpp"
#include "train/dsm_train.hpp"

namespace td {

using ScheduleCase = DataCase;

struct SchedulesSpec {
  std::vector<int> levels = {5, 8, 10, 16, 32};  // N: noise levels per schedule (N steps with the final one to 0)
  std::vector<std::string> kinds;                // schedules (defaults by the data: speciation needs a mixture law)
  std::vector<std::string> samplers = {"euler", "heun", "stochastic"};
  EdmChurn churn{10, 0.05, 50, 1.003};
  int samples = 4000;        // generated per (model, N, sampler, schedule); data rows compared with
  int batches = 8;           // sliced W2 and KL: mean +- SE over batches of samples / batches
  int directions = 64;       // sliced W2 directions
  int kl_bins = 400;         // 1-D and 2-D mixtures: histogram cells of the KL
  int entropic_nodes = 32, entropic_samples = 256;
  int path_kl_grid = 128, path_kl_paths = 256;   // the optimizer's table; the evaluation uses as many paths
  int speciation_nodes = 32, speciation_samples = 512;
  double speciation_floor = 0.3;
  std::optional<DiscreteTraining> discrete;  // the model's discrete training: timesteps in the export
};

struct SchedulesConfig : CasesConfig {
  SchedulesSpec s;
  toml::table resolved;
};

SchedulesConfig parse_schedules_config(const toml::table& root, const std::string& file);

}  // namespace td
