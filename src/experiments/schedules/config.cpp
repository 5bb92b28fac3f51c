#include "experiments/schedules/config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/case_config.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/model_kinds/network_model.hpp"
#include "experiments/network_config.hpp"
#include "observe/model_schedules.hpp"

namespace td {

namespace {

void read_schedules(ConfigReader& r, SchedulesConfig& c, bool all_mixtures) {
  SchedulesSpec& s = c.s;
  if (auto dt = r.optional_table("discrete", "a discrete-time model's training noise: its integer timesteps in the export")) {
    DiscreteTraining d;
    d.beta_schedule = dt->string("beta_schedule", d.beta_schedule, "linear (DDPM) or scaled_linear (Stable Diffusion)");
    d.beta_start = dt->number("beta_start", d.beta_start, "first beta");
    d.beta_end = dt->number("beta_end", d.beta_end, "last beta");
    d.train_steps = dt->int32("train_steps", d.train_steps, "training steps");
    try {
      (void)discrete_sigmas(d);
    } catch (const InputError& e) {
      dt->fail("beta_schedule", e.what());
    }
    dt->finish();
    s.discrete = d;
  }
  ConfigReader t = r.section("schedules", "which schedules, step counts and samplers; how they are compared");
  s.levels = t.integers("levels", s.levels, 2, 4096, "noise levels N of every schedule (N sampler steps, the last one to sigma = 0)");
  std::vector<std::string> kinds = {"edm", "uniform_t", "uniform_log_sigma", "entropic", "path_kl"};
  if (s.discrete) kinds.insert(kinds.begin() + 3, "discrete");
  if (all_mixtures) kinds.push_back("speciation");
  s.kinds = t.strings("kinds", kinds,
      "edm (rho = 7), uniform_t, uniform_log_sigma, discrete (the model's own training steps; needs [discrete]), entropic (the "
      "model's denoising error), path_kl (the optimized path-KL bound), speciation (V_h; mixture data only)");
  for (const std::string& k : s.kinds) {
    t.require(std::count(ModelSchedules::kinds().begin(), ModelSchedules::kinds().end(), k) == 1, "kinds",
              fmt::format("'{}' is not one of edm, uniform_t, uniform_log_sigma, discrete, entropic, path_kl, speciation", k));
    t.require(std::count(s.kinds.begin(), s.kinds.end(), k) == 1, "kinds", fmt::format("'{}' is listed twice", k));
  }
  t.require(s.kinds.size() >= 1 && s.kinds.front() == "edm", "kinds", "must start with \"edm\", the baseline the others are compared with");
  t.require(s.discrete || std::count(s.kinds.begin(), s.kinds.end(), "discrete") == 0, "kinds",
            "discrete needs the model's discrete training: a [discrete] table (beta_schedule, beta_start, beta_end, train_steps)");
  if (std::count(s.kinds.begin(), s.kinds.end(), "discrete"))
    for (int n : s.levels) {
      try {
        (void)discrete_schedule(Process(c.process), *s.discrete, n);
      } catch (const InputError& e) {
        t.fail("kinds", e.what());
      }
    }
  t.require(all_mixtures || std::count(s.kinds.begin(), s.kinds.end(), "speciation") == 0, "kinds",
            "speciation needs the data's law as a Gaussian mixture (ring or mixture data) in every case");
  s.samplers = t.strings("samplers", s.samplers, "euler (DDIM), heun (EDM Algorithm 1), stochastic (EDM Algorithm 2)");
  t.require(!s.samplers.empty(), "samplers", "needs at least one sampler");
  for (const std::string& k : s.samplers) {
    try {
      (void)parse_edm_sampler(k);
    } catch (const InputError& e) {
      t.fail("samplers", e.what());
    }
  }
  s.churn.churn = t.number("churn", s.churn.churn, "stochastic sampler: S_churn (gamma = min(S_churn / (N - 1), sqrt 2 - 1))");
  s.churn.t_min = t.number("churn_sigma_min", s.churn.t_min, "stochastic sampler: S_tmin, the lowest level churned [sigma~]");
  s.churn.t_max = t.number("churn_sigma_max", s.churn.t_max, "stochastic sampler: S_tmax, the highest level churned [sigma~]");
  s.churn.noise = t.number("churn_noise", s.churn.noise, "stochastic sampler: S_noise");
  t.require(s.churn.churn >= 0, "churn", "must be >= 0");
  t.require(s.churn.noise > 0, "churn_noise", "must be > 0");
  s.samples = t.int32("samples", s.samples, "samples generated per (model, N, sampler, schedule), and data rows compared with");
  s.batches = t.int32("batches", s.batches, "sliced W2 and KL: mean +- SE over this many batches of the samples");
  s.directions = t.int32("directions", s.directions, "sliced W2: random directions");
  s.kl_bins = t.int32("kl_bins", s.kl_bins, "1-D and 2-D mixture data: histogram cells of the KL (sqrt per axis in 2-D)");
  t.require(s.samples >= 32 && s.samples <= 1 << 22, "samples", "must be in [32, 2^22]");
  t.require(s.batches >= 2 && s.samples / s.batches >= 16, "batches", "must be >= 2 with at least 16 samples per batch");
  for (const ScheduleCase& k : c.cases) {
    // Generated samples are compared with as many data rows: a file must have them (held out where it has a held-out set).
    const Mat* rows = k.data->held_out ? k.data->held_out.get() : k.data->points.get();
    t.require(!rows || rows->rows() >= s.samples, "samples",
              fmt::format("{}: case '{}' has {} data rows to compare the samples with; lower schedules.samples to at most that",
                          s.samples, k.name, rows ? rows->rows() : 0));
  }
  t.require(s.directions >= 1 && s.directions <= 4096, "directions", "must be in [1, 4096]");
  t.require(s.kl_bins >= 4 && s.kl_bins <= 100000, "kl_bins", "must be in [4, 10^5]");
  s.entropic_nodes = t.int32("entropic_nodes", s.entropic_nodes, "entropic: noise levels the denoising error is measured at");
  s.entropic_samples = t.int32("entropic_samples", s.entropic_samples, "entropic: data draws per level");
  s.path_kl_grid = t.int32("path_kl_grid", s.path_kl_grid, "path_kl: grid levels (uniform in ln sigma~) the optimizer places levels on");
  s.path_kl_paths = t.int32("path_kl_paths", s.path_kl_paths, "path KL: forward paths of the optimizer's table and of the evaluation");
  s.speciation_nodes = t.int32("speciation_nodes", s.speciation_nodes, "speciation: times V_h is measured at");
  s.speciation_samples = t.int32("speciation_samples", s.speciation_samples, "speciation: draws per time");
  s.speciation_floor = t.number("speciation_floor", s.speciation_floor, "speciation: share of the levels kept uniform in ln sigma~");
  t.require(s.entropic_nodes >= 4 && s.entropic_nodes <= 4096, "entropic_nodes", "must be in [4, 4096]");
  t.require(s.entropic_samples >= 2, "entropic_samples", "must be >= 2");
  int most = 0;
  for (int n : s.levels) most = std::max(most, n);
  t.require(s.path_kl_grid >= most && s.path_kl_grid <= 4096, "path_kl_grid",
            fmt::format("must be in [the largest N = {}, 4096]", most));
  t.require(s.path_kl_paths >= 2, "path_kl_paths", "must be >= 2");
  t.require(s.speciation_nodes >= 4, "speciation_nodes", "must be >= 4");
  t.require(s.speciation_samples >= 2, "speciation_samples", "must be >= 2");
  t.require(s.speciation_floor >= 0 && s.speciation_floor <= 1, "speciation_floor", "must be in [0, 1]");
  t.finish();
}

}  // namespace

SchedulesConfig parse_schedules_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  SchedulesConfig c;
  read_cases_config(r, "schedules", "Sampling schedules of each model, exported and compared", c);
  bool all_mixtures = true;
  for (const ScheduleCase& k : c.cases) all_mixtures = all_mixtures && k.data->kind == DataKind::Mixture;
  read_schedules(r, c, all_mixtures);
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td
