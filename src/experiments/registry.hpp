#pragma once
// The experiments the engine runs, one registry line each (experiments/experiment_list.hpp): a config
// of that kind parsed into what running and reporting it needs.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/nonfinite.hpp"
#include "experiments/experiment_common.hpp"
#include "experiments/kinds.hpp"

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

// Binds a parsed config to its memory estimate, model probe, run and report (experiment.cpp of each
// experiment's folder builds one with this).
template <class Config, class Probe, class Run, class Render>
Experiment bind_experiment(Config cfg, std::string kind, std::string summary, std::vector<MemoryTerm> memory, Probe probe, Run run,
                           Render render) {
  auto c = std::make_shared<const Config>(std::move(cfg));
  Experiment e;
  e.check = [c, probe] { return probe(*c); };
  e.memory = std::move(memory);
  e.kind = std::move(kind);
  e.seed = c->seed;
  e.resolved = c->resolved;
  e.nonfinite = parse_nonfinite_policy(c->resolved["nonfinite"].value_or(std::string("fail")));
  e.device = c->resolved["device"].value_or(std::string("cpu"));
  e.summary = std::move(summary);
  e.run = [c, run](const RunContext& ctx) { return run(*c, ctx); };
  e.render = render;
  return e;
}

// The probe of an experiment whose config names no user models: nothing to check.
template <class Config>
nlohmann::json no_models(const Config&) {
  return nlohmann::json::array();
}

// Bytes of one double, for the memory estimates.
constexpr double kDoubleBytes = 8;

// Dispatches on the config's `experiment` key ("taep" when absent; an unknown value is named).
Experiment parse_experiment(const toml::table& config, const std::string& source);

}  // namespace td
