#pragma once
// The experiments the engine runs, one registry line each (registry.cpp): a config of that kind
// parsed into what running and reporting it needs.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/nonfinite.hpp"
#include "experiments/experiment_common.hpp"

namespace td {

// One term of a run's memory estimate: what it holds (naming the keys that size it) and its bytes.
struct MemoryTerm {
  std::string what;
  double bytes = 0;
};

struct Experiment {
  std::string kind;     // the config's `experiment` key
  uint64_t seed = 1;
  NonFinitePolicy nonfinite = NonFinitePolicy::Fail;  // the config's `nonfinite` (core/nonfinite.hpp)
  std::string device = "cpu";  // the config's `device` (or --device): cpu or cuda
  toml::table resolved; // the config with every default written out
  std::string summary;  // one line for `validate`
  // Loads every model and checks its contract on a probe batch and its convention on the run's data
  // (data files are read by the parser): the part of validation that needs LibTorch. `validate` and
  // `run` call it before any work; it returns the convention checks (results.json's model_checks).
  std::function<nlohmann::json()> check;
  // The largest arrays the run will hold, from the config alone (docs/robustness.md#memory): the CLI
  // compares their sum with the machine's memory before any work.
  std::vector<MemoryTerm> memory;
  std::function<nlohmann::json(const RunContext&)> run;
  std::function<std::string(const nlohmann::json&, const std::string&)> render;
};

struct ExperimentKind {
  const char* name;
  const char* summary;  // what it measures, for `describe`
  const char* docs;     // where its physics is documented (docs/PAGE.md#SECTION)
  Experiment (*parse)(const toml::table& config, const std::string& source);
};

const std::vector<ExperimentKind>& experiment_kinds();
// Dispatches on the config's `experiment` key ("taep" when absent; an unknown value is named).
Experiment parse_experiment(const toml::table& config, const std::string& source);

}  // namespace td
