#include "experiments/registry.hpp"

#include <map>
#include <memory>
#include <mutex>

#include <omp.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/builtin.hpp"
#include "experiments/config_advice.hpp"
#include "experiments/information/run.hpp"
#include "experiments/models.hpp"
#include "experiments/learning/run.hpp"
#include "experiments/likelihood/run.hpp"
#include "experiments/nonequilibrium/run.hpp"
#include "experiments/taep/run.hpp"

namespace td {
namespace {

// An Experiment from a parsed config: its run and report bound to it.
// The models each kind's config names, loaded and checked on its data and process (none: no models).
nlohmann::json probe_config(const TaepConfig& c) { return check_models(c.models, c.data, c.process, c.seed); }
nlohmann::json probe_config(const LikelihoodConfig& c) {
  if (c.sweep || c.runs.empty()) return nlohmann::json::array();  // a sweep's models are MLPs trained in the run
  std::vector<ModelSpec> models;  // [[models]] in their order, all on the one [data] and [process]
  for (const LikelihoodRun& r : c.runs) models.push_back(r.model);
  return check_models(models, *c.runs.front().data, c.runs.front().process, c.seed);
}
nlohmann::json probe_config(const InformationConfig& c) {
  return c.dataset ? check_models(c.models, *c.dataset, c.process, c.seed) : nlohmann::json::array();
}
nlohmann::json probe_config(const NonequilibriumConfig&) { return nlohmann::json::array(); }
nlohmann::json probe_config(const LearningConfig&) { return nlohmann::json::array(); }

// The dominant arrays of each kind's run, from its config: per-trajectory values, stored samples and
// paths, per-thread working blocks (d doubles per point, a few copies each). An estimate, within a
// small factor: enough to refuse a run that cannot fit before it starts, not a budget.
constexpr double kDouble = 8;
std::vector<MemoryTerm> memory_of(const TaepConfig& c) {
  const double d = c.data.dim, m = double(c.models.size()), threads = omp_get_max_threads();
  return {{"per-trajectory values (sim.trajectories x models)", double(c.trajectories) * 2 * m * 6 * kDouble},
          {"DFT reverse paths (sim.dft_trajectories x models)", c.dft ? double(c.dft_trajectories ? c.dft_trajectories : c.trajectories) * m * 6 * kDouble : 0},
          {"exact-reference samples (sim.exact_samples x d)", double(c.exact_samples) * d * 4 * kDouble},
          {"generated samples (sim.generated_samples x d x models)", double(c.generated_samples) * d * (m + 1) * 2 * kDouble},
          {"working blocks (sim.block x d per thread)", threads * double(c.block) * d * 40 * kDouble}};
}
std::vector<MemoryTerm> memory_of(const LikelihoodConfig& c) {
  double most = 0;
  for (const LikelihoodRun& r : c.runs)
    most = std::max(most, double(r.data->dim) * (double(c.test_samples) * 16 + double(c.rates.samples) * 8) * kDouble);
  return {{"NLL solver states and entropy-rate samples (likelihood.samples, entropy_rates.samples x d)", most}};
}
std::vector<MemoryTerm> memory_of(const InformationConfig& c) {
  const double d = c.dataset ? c.dataset->dim : 1;
  std::vector<MemoryTerm> out;
  if (c.rates) out.push_back({"rate samples (rates.samples x d)", double(c.rates->samples) * d * 8 * kDouble});
  if (c.pathwise)
    out.push_back({"pathwise samples and records (pathwise.samples, generative_samples x records)",
                   (double(c.pathwise->samples) * double(c.pathwise->nodes) +
                    double(c.pathwise->generative_samples) * double(c.pathwise->records)) * 2 * kDouble});
  // On the GPU the cloning paths live in the card's memory (in chunks); the host keeps the outcomes.
  const bool gpu = c.resolved["device"].value_or(std::string("cpu")) == "cuda";
  if (c.cloning)
    for (int dc : c.cloning->d)
      out.push_back({"cloning paths (cloning.samples x d)",
                     gpu ? double(c.cloning->samples) * double(c.cloning->branch_times.size()) * 2
                         : double(c.cloning->samples) * dc * 4 * kDouble});
  if (c.collapse) {
    for (int dc : c.collapse->d) out.push_back({"collapse training points (collapse.P x d)", double(c.collapse->P) * dc * 2 * kDouble});
    out.push_back({"collapse per-sample values kept for the bootstrap (collapse.samples x nodes)",
                   double(c.collapse->samples) * double(c.collapse->nodes) * kDouble});
  }
  return out;
}
std::vector<MemoryTerm> memory_of(const NonequilibriumConfig& c) {
  std::vector<MemoryTerm> out;
  if (c.ift) out.push_back({"per-trajectory values (ift.trajectories x 2 directions)", double(c.ift->trajectories) * 2 * 8 * kDouble});
  if (c.flow) out.push_back({"flow samples (flow.samples)", double(c.flow->samples) * double(c.flow->data.d) * 4 * kDouble});
  if (c.franz_parisi) out.push_back({"Franz-Parisi pairs (franz_parisi.pairs)", double(c.franz_parisi->pairs) * 4 * kDouble});
  return out;
}
std::vector<MemoryTerm> memory_of(const LearningConfig&) { return {}; }  // a fixed-size U-Net on a fixed image set

template <class Config, class Run, class Render>
Experiment make_experiment(Config cfg, const char* kind, std::string summary, Run run, Render render) {
  auto c = std::make_shared<const Config>(std::move(cfg));
  Experiment e;
  e.check = [c] { return probe_config(*c); };
  e.memory = memory_of(*c);
  e.kind = kind;
  e.seed = c->seed;
  e.resolved = c->resolved;
  e.nonfinite = parse_nonfinite_policy(c->resolved["nonfinite"].value_or(std::string("fail")));
  e.device = c->resolved["device"].value_or(std::string("cpu"));
  e.summary = std::move(summary);
  e.run = [c, run](const RunContext& ctx) { return run(*c, ctx); };
  e.render = render;
  return e;
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
      k.parse(t, "<built-in " + b.name + ">");
    } catch (const InputError&) {
    }
  }
  return gathered[k.name] = audit.known;
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
  check_moved_keys(t, kind, source);
  for (const ExperimentKind& k : experiment_kinds())
    if (kind == k.name) {
      KeyAudit audit;
      try {
        return k.parse(t, source);
      } catch (const InputError& e) {
        explain_failure(t, source, audit, [&]() -> const KeyMap& { return builtin_keys(k); }, e);
      }
    }
  std::string known;
  for (const ExperimentKind& k : experiment_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
  throw InputError(fmt::format("{}: key 'experiment': unknown experiment '{}' (known: {})", source, kind, known));
}

}  // namespace td
