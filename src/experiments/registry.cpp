#include "experiments/registry.hpp"

#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/builtin.hpp"
#include "experiments/config_advice.hpp"
#include "experiments/experiment_list.hpp"

namespace td {

#define TD_DECLARE_EXPERIMENT(name) Experiment name##_experiment(const toml::table& config, const std::string& source);
TD_EXPERIMENTS(TD_DECLARE_EXPERIMENT)
#undef TD_DECLARE_EXPERIMENT

namespace {

using Builder = Experiment (*)(const toml::table&, const std::string&);

// Each kind's builder (experiments/NAME/experiment.cpp), by name.
Builder builder_of(const std::string& kind) {
#define TD_BUILDER(name) if (kind == #name) return name##_experiment;
  TD_EXPERIMENTS(TD_BUILDER)
#undef TD_BUILDER
  return nullptr;
}

// Every key the built-ins of kind `k` read (a built-in that cannot be parsed here, such as one whose
// data set is not installed, adds what it read before it stopped). Gathered once per process, when
// first asked (a failed parse with a suspect key): parsing them reads their data sets.
const KeyMap& builtin_keys(const ExperimentKind& k) {
  static std::mutex lock;
  static std::map<std::string, KeyMap> gathered;
  const std::lock_guard<std::mutex> hold(lock);
  if (auto it = gathered.find(k.name); it != gathered.end()) return it->second;
  KeyAudit audit;
  for (const BuiltinExperiment& b : builtin_experiments()) {
    const toml::table t = parse_toml_text(b.toml, "<built-in " + b.name + ">");
    if (t["experiment"].value_or(std::string("taep")) != k.name) continue;
    try {
      k.check(t, "<built-in " + b.name + ">");
    } catch (const InputError&) {
    }
  }
  return gathered[k.name] = audit.known;
}

}  // namespace

Experiment parse_experiment(const toml::table& t, const std::string& source) {
  if (t.contains("experiment") && !t["experiment"].is_string())
    throw InputError(fmt::format("{}: key 'experiment': expected a string", source));
  const std::string kind = t["experiment"].value<std::string>().value_or("taep");
  check_moved_keys(t, kind, source);
  if (const ExperimentKind* k = find_kind(kind)) {
    KeyAudit audit;
    try {
      return builder_of(kind)(t, source);
    } catch (const InputError& e) {
      explain_failure(t, source, audit, [&]() -> const KeyMap& { return builtin_keys(*k); }, e);
    }
  }
  throw InputError(fmt::format("{}: key 'experiment': unknown experiment '{}' (known: {})", source, kind, kind_names()));
}

}  // namespace td
