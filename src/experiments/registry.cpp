#include "experiments/registry.hpp"

#include <memory>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/information/run.hpp"
#include "experiments/learning/run.hpp"
#include "experiments/likelihood/run.hpp"
#include "experiments/nonequilibrium/run.hpp"
#include "experiments/taep/run.hpp"

namespace td {
namespace {

// An Experiment from a parsed config: its run and report bound to it.
template <class Config, class Run, class Render>
Experiment make_experiment(Config cfg, const char* kind, std::string summary, Run run, Render render) {
  auto c = std::make_shared<const Config>(std::move(cfg));
  Experiment e;
  e.kind = kind;
  e.seed = c->seed;
  e.resolved = c->resolved;
  e.summary = std::move(summary);
  e.run = [c, run](const RunContext& ctx) { return run(*c, ctx); };
  e.render = render;
  return e;
}

}  // namespace

const std::vector<ExperimentKind>& experiment_kinds() {
  static const std::vector<ExperimentKind> kinds = {
      {"taep", "trajectory entropy production of models against a target (Ding, Quan & Tu)", "docs/taep.md#s2",
       +[](const toml::table& t, const std::string& s) -> Experiment {
         TaepConfig c = parse_taep_config(t, s);
         const std::string sum = fmt::format("taep, {} models", c.models.size());
         return make_experiment(std::move(c), "taep", sum, run_taep_experiment, render_taep_report);
       }},
      {"likelihood", "NLL by the PF-ODE, entropy rates and the thermodynamic bound (Kodama & Hinczewski)", "docs/likelihood.md#s3",
       +[](const toml::table& t, const std::string& s) -> Experiment {
         LikelihoodConfig c = parse_likelihood_config(t, s);
         const std::string sum = fmt::format("likelihood, {} models", c.runs.size());
         return make_experiment(std::move(c), "likelihood", sum, run_likelihood_experiment, render_likelihood_report);
       }},
      {"information", "information dynamics of generation (Stancevic & Ambrogioni; Biroli et al.)", "docs/information.md#s5",
       +[](const toml::table& t, const std::string& s) -> Experiment {
         return make_experiment(parse_information_config(t, s), "information", "information dynamics", run_information_experiment,
                     render_information_report);
       }},
      {"nonequilibrium", "nonequilibrium physics of the forward and reverse processes (Yu & Huang)", "docs/nonequilibrium.md#s4",
       +[](const toml::table& t, const std::string& s) -> Experiment {
         return make_experiment(parse_nonequilibrium_config(t, s), "nonequilibrium", "nonequilibrium physics (Yu & Huang)",
                     run_nonequilibrium_experiment, render_nonequilibrium_report);
       }},
      {"learning", "learning dynamics of a U-Net (Ding, Quan & Tu Sec. 4.2)", "docs/taep.md#s2.6",
       +[](const toml::table& t, const std::string& s) -> Experiment {
         return make_experiment(parse_learning_config(t, s), "learning", "learning dynamics of a U-Net", run_learning_experiment,
                     render_learning_report);
       }},
  };
  return kinds;
}

Experiment parse_experiment(const toml::table& t, const std::string& source) {
  if (t.contains("experiment") && !t["experiment"].is_string())
    throw InputError(fmt::format("{}: key 'experiment': expected a string", source));
  const std::string kind = t["experiment"].value<std::string>().value_or("taep");
  for (const ExperimentKind& k : experiment_kinds())
    if (kind == k.name) return k.parse(t, source);
  std::string known;
  for (const ExperimentKind& k : experiment_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
  throw InputError(fmt::format("{}: key 'experiment': unknown experiment '{}' (known: {})", source, kind, known));
}

}  // namespace td
