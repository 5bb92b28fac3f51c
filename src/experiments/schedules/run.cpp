#include "experiments/schedules/run.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/stats.hpp"
#include "experiments/models.hpp"
#include "observe/energy_distance.hpp"
#include "observe/entropic_time.hpp"
#include "observe/model_schedules.hpp"
#include "observe/path_kl.hpp"
#include "observe/sliced_wasserstein.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// Every schedule of one model: process times (descending) by kind, then by N.
using Schedules = std::map<std::string, std::map<int, std::vector<double>>>;

struct ModelRun {
  const SchedulesConfig& cfg;
  const ScheduleCase& cs;
  const Process& p;
  const EdmView& view;  // the model in EDM units, for the samplers and the path KL
  DataFn data;
  double sigma_lo, sigma_hi;
};

std::vector<double> sigmas_of(const Process& p, const std::vector<double>& t) {
  std::vector<double> s;
  for (double x : t) s.push_back(p.sigma_tilde(x));
  return s;
}

Schedules build_schedules(const ModelRun& m, ModelSchedules& maker, json& rec, const RunContext& ctx) {
  Schedules out;
  for (const std::string& k : m.cfg.s.kinds) {
    ctx.log(fmt::format("schedules: {} / {}: the {} schedules", m.cs.name, rec["name"].get<std::string>(), k));
    for (int n : m.cfg.s.levels) out[k][n] = maker.times(k, n);
  }
  if (const auto& e = maker.denoising_error())
    rec["entropic"] = {{"sigma", vec_json(e->sigma)}, {"eps2", vec_json(e->eps2)}, {"eps2_se", vec_json(e->eps2_se)},
                       {"units", "eps2: E|x0 - x0_hat|^2 [data units^2] at sigma~"}};
  if (!maker.optimizer_objectives().empty()) {
    json o = json::object();
    for (const auto& [n, v] : maker.optimizer_objectives()) o[std::to_string(n)] = vec_json(v);
    rec["path_kl_optimizer"] = {{"grid", m.cfg.s.path_kl_grid}, {"paths", m.cfg.s.path_kl_paths}, {"start", "edm"}, {"objective", o}};
  }
  return out;
}

// A paired difference of per-batch values (a - b) as mean +- SE, and its verdict at 2 SE.
json verdict(double diff, double se) {
  return diff < -2 * se ? "better" : diff > 2 * se ? "worse" : "within 2 SE";
}

struct Batched {
  std::vector<double> v;
  json summary(const std::vector<double>* base) const {
    Moments m, d;
    for (size_t i = 0; i < v.size(); ++i) {
      m.add(v[i]);
      if (base) d.add(v[i] - (*base)[i]);
    }
    json j = {{"value", finite_or_null(m.mean())}, {"se", finite_or_null(m.mean_se())}};
    if (base) j.update({{"diff", finite_or_null(d.mean())}, {"diff_se", finite_or_null(d.mean_se())}, {"verdict", verdict(d.mean(), d.mean_se())}});
    return j;
  }
};

// Metrics of generated samples X against the data rows Y, per batch where the estimator is a plug-in.
struct Metrics {
  Mat X;
  Batched sw2, kl;
};

Metrics measure(const ModelRun& m, Mat X, const Mat& Y) {
  const SchedulesSpec& s = m.cfg.s;
  const int b = s.samples / s.batches;
  Metrics r{std::move(X), {}, {}};
  const bool kl = m.cs.data->kind == DataKind::Mixture && m.cs.data->dim <= 2;
  for (int i = 0; i < s.batches; ++i) {
    const Mat x = r.X.middleRows(i * b, b);
    r.sw2.v.push_back(sliced_w2(x, Y.middleRows(i * b, b), s.directions, m.cfg.seed));
    if (kl) r.kl.v.push_back(kl_generated_to_true(x, *m.cs.data->law, s.kl_bins));
  }
  return r;
}

// The floor of the plug-in SW2^2: two disjoint batches of the data rows (what a perfect sampler gets).
json sw2_floor(const ModelRun& m, const Mat& Y) {
  const SchedulesSpec& s = m.cfg.s;
  const int b = s.samples / s.batches;
  Moments f;
  for (int i = 0; i + 1 < s.batches; i += 2) f.add(sliced_w2(Y.middleRows(i * b, b), Y.middleRows((i + 1) * b, b), s.directions, m.cfg.seed));
  return {{"value", finite_or_null(f.mean())}, {"se", finite_or_null(f.mean_se())}};
}

// sqrt(E|x|^2) of a sample [data units].
double rms(const Mat& X) { return std::sqrt(X.squaredNorm() / double(X.rows())); }

// A model that samples far from the data's scale under every schedule at the largest N (blown up or
// collapsed) makes the comparison one of the model's failure, not of schedules: said, with the cause.
void flag_model_scale(const SchedulesSpec& s, const json& rows, double data_rms, std::vector<std::string>& flags) {
  const int most = *std::max_element(s.levels.begin(), s.levels.end());
  double lo = INFINITY, hi = 0;
  for (const json& r : rows)
    if (r["N"].get<int>() == most) lo = std::min(lo, r["rms"].get<double>()), hi = std::max(hi, r["rms"].get<double>());
  if (lo > 2 * data_rms || hi < 0.5 * data_rms)
    flags.push_back(fmt::format("at N = {} every schedule's samples have rms {:.3g} .. {:.3g} against the data's {:.3g}: the model "
                                "does not sample the data under any schedule, so the comparison measures its failure, not the "
                                "schedules' (train it longer; an eps-predicting network's error at the noisiest levels is "
                                "multiplied by sigma~ there)", most, lo, hi, data_rms));
}

// Every (N, sampler): all schedules sampled together (one model pass per stage for all), each
// against the data rows, paired with EDM's (the first kind).
json compare_samples(const ModelRun& m, const Schedules& sch, const Mat& Y, const RunContext& ctx) {
  const SchedulesSpec& s = m.cfg.s;
  json rows = json::array();
  for (int n : s.levels) {
    std::vector<std::vector<double>> levels;
    for (const std::string& k : s.kinds) levels.push_back(sigmas_of(m.p, sch.at(k).at(n)));
    for (const std::string& name : s.samplers) {
      ctx.log(fmt::format("schedules: {}: N = {}, {} sampler", m.cs.name, n, name));
      std::vector<Mat> X = sample_schedules(m.view, levels, parse_edm_sampler(name), s.samples, m.cfg.seed, s.churn);
      std::vector<Metrics> met;
      for (Mat& x : X) met.push_back(measure(m, std::move(x), Y));
      for (size_t j = 0; j < s.kinds.size(); ++j) {
        const bool base = j == 0;
        const EnergyDistance e = energy_distance(met[j].X, Y);
        json r = {{"N", n}, {"sampler", name}, {"schedule", s.kinds[j]}, {"passes", edm_sampler_passes(parse_edm_sampler(name), n)},
                  {"rms", rms(met[j].X)}, {"energy", {{"value", e.value}, {"se", e.se}}}, {"sw2", met[j].sw2.summary(base ? nullptr : &met[0].sw2.v)}};
        if (!base) {
          const EnergyDistance d = energy_distance_difference(met[j].X, met[0].X, Y);
          r["energy"].update({{"diff", d.value}, {"diff_se", d.se}, {"verdict", verdict(d.value, d.se)}});
        }
        if (!met[j].kl.v.empty()) r["kl"] = met[j].kl.summary(base ? nullptr : &met[0].kl.v);
        rows.push_back(std::move(r));
      }
    }
  }
  return rows;
}

// The path KL of every schedule, all on one grid (the union of their levels) and the same paths.
json compare_path_kl(const ModelRun& m, const Schedules& sch) {
  const SchedulesSpec& s = m.cfg.s;
  std::vector<std::vector<double>> all;
  std::vector<std::pair<std::string, int>> which;
  for (int n : s.levels)
    for (const std::string& k : s.kinds) all.push_back(sigmas_of(m.p, sch.at(k).at(n))), which.emplace_back(k, n);
  const std::vector<double> grid = grid_with_levels(log_sigma_grid(m.sigma_lo, m.sigma_hi, s.path_kl_grid), all);
  const PathKlEstimate e = path_kl(m.view, m.data, grid, all, s.path_kl_paths, m.cfg.seed);
  json rows = json::array();
  const size_t K = s.kinds.size();
  for (size_t i = 0; i < all.size(); ++i) {
    json r = {{"N", which[i].second}, {"schedule", which[i].first}, {"value", e.value[i]}, {"se", e.se[i]}};
    if (i % K) {
      Moments d;
      for (Eigen::Index p = 0; p < e.per_path.rows(); ++p) d.add(e.per_path(p, Eigen::Index(i)) - e.per_path(p, Eigen::Index(i - i % K)));
      r.update({{"diff", d.mean()}, {"diff_se", d.mean_se()}, {"verdict", verdict(d.mean(), d.mean_se())}});
    }
    rows.push_back(std::move(r));
  }
  return {{"grid_nodes", grid.size()}, {"paths", s.path_kl_paths}, {"rows", rows}};
}

// Per schedule kind: how often it beat, lost to or tied with EDM, by each metric.
json tally(const json& rows, const json& path_rows) {
  json t = json::object();
  auto add = [&](const std::string& kind, const std::string& metric, const json& x) {
    if (!x.contains("verdict")) return;
    json& c = t[kind][metric];
    if (c.is_null()) c = {{"better", 0}, {"worse", 0}, {"within 2 SE", 0}};
    c[x["verdict"].get<std::string>()] = c[x["verdict"].get<std::string>()].get<int>() + 1;
  };
  for (const json& r : rows)
    for (const char* metric : {"energy", "sw2", "kl"})
      if (r.contains(metric)) add(r["schedule"], metric, r[metric]);
  for (const json& r : path_rows) add(r["schedule"], "path_kl", r);
  return t;
}

json exported(const ModelRun& m, const Schedules& sch, const std::string& model, std::vector<ExportedSchedule>& all) {
  json j = json::object();
  for (const auto& [kind, by_n] : sch)
    for (const auto& [n, t] : by_n) {
      ExportedSchedule e = export_schedule(fmt::format("{}/{}/{}/{}", m.cs.name, model, kind, n), m.p, t,
                                           m.cfg.s.discrete.value_or(DiscreteTraining{}));
      j[kind][std::to_string(n)] = {{"t", vec_json(e.t)}, {"sigma", vec_json(e.sigma)}, {"timesteps", e.timesteps}, {"warnings", e.warnings}};
      all.push_back(std::move(e));
    }
  return j;
}

json run_model(const SchedulesConfig& cfg, const ScheduleCase& cs, const ModelSpec& ms, const RunContext& ctx, StageClock& clock,
               std::vector<ExportedSchedule>& all) {
  const Process p(cfg.process);
  const Dataset& data = *cs.data;
  json rec = {{"name", ms.name}, {"kind", ms.kind()}};
  std::shared_ptr<const Score> score;
  clock.run("model", {"models.training.steps"}, [&] { score = build_case_model(cs, ms, p, cfg.seed, ctx, rec); });
  const SchedulesSpec& s = cfg.s;
  const DataFn draws = data.sampler({cfg.seed, Stream::Data});
  ModelSchedules maker(p, *score, draws, cs.data->kind == DataKind::Mixture ? cs.data->law : std::nullopt,
                       {s.entropic_nodes, s.entropic_samples, s.path_kl_grid, s.path_kl_paths, s.speciation_nodes,
                        s.speciation_samples, s.speciation_floor, s.discrete}, cfg.seed);
  const ModelRun m{cfg, cs, p, maker.view(), draws, maker.sigma_min(), maker.sigma_max()};
  Schedules sch;
  clock.run("schedules", {"schedules.entropic_samples", "schedules.path_kl_paths"}, [&] { sch = build_schedules(m, maker, rec, ctx); });
  rec["schedules"] = exported(m, sch, ms.name, all);
  const RowSubset rows = evaluation_points(data, cfg.seed, cfg.s.samples, true);
  if (rows.X.rows() < cfg.s.samples) throw RunError("schedules: fewer data rows than samples (the config check missed it)");
  rec["compared_with"] = rows.what;
  clock.run("sampling", {"schedules.samples"}, [&] {
    rec["samples"] = compare_samples(m, sch, rows.X, ctx);
    rec["sw2_floor"] = sw2_floor(m, rows.X);
  });
  rec["data_rms"] = rms(rows.X);
  std::vector<std::string> flags;
  flag_model_scale(cfg.s, rec["samples"], rec["data_rms"], flags);
  if ((data.kind == DataKind::Points || data.kind == DataKind::Images) && !data.held_out)
    flags.push_back(fmt::format("case '{}': the samples are compared with the data file's own rows, not held-out ones: a model "
                                "trained on them that memorizes them scores best (an image set's test_files give held-out rows)", cs.name));
  rec["flags"] = flags;
  clock.run("path_kl", {"schedules.path_kl_paths"}, [&] { rec["path_kl"] = compare_path_kl(m, sch); });
  rec["tally"] = tally(rec["samples"], rec["path_kl"]["rows"]);
  return rec;
}

}  // namespace

json run_schedules_experiment(const SchedulesConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  StageClock clock;
  const Process p(cfg.process);
  json out;
  out["process"] = process_record(p);
  out["sigma_range"] = {p.sigma_tilde(p.t_min()), p.sigma_tilde(p.T())};
  const SchedulesSpec& s = cfg.s;
  out["settings"] = {{"levels", s.levels}, {"kinds", s.kinds}, {"samplers", s.samplers}, {"samples", s.samples},
                     {"batches", s.batches}, {"directions", s.directions}, {"kl_bins", s.kl_bins},
                     {"churn", {{"S_churn", s.churn.churn}, {"S_tmin", s.churn.t_min}, {"S_tmax", s.churn.t_max}, {"S_noise", s.churn.noise}}}};
  const DiscreteTraining d = s.discrete.value_or(DiscreteTraining{});
  out["discrete_training"] = {{"beta_schedule", d.beta_schedule}, {"beta_start", d.beta_start}, {"beta_end", d.beta_end},
                              {"train_steps", d.train_steps}, {"given", s.discrete.has_value()}};
  out["units"] = {{"sigma", "noise level sigma~ = sigma/alpha (EDM, k-diffusion, diffusers)"}, {"t", "the process's own time"},
                  {"energy", "energy distance [data units]"}, {"sw2", "sliced W2^2 [data units^2]"}, {"kl", "nats"},
                  {"path_kl", "nats (Girsanov bound of the frozen-score sampler)"}};
  out["cases"] = json::array();
  std::vector<ExportedSchedule> all;
  for (const ScheduleCase& cs : cfg.cases) {
    json c = {{"name", cs.name}, {"data", {{"description", cs.data->description}, {"D", cs.data->dim}, {"kind", data_kind_name(cs.data->kind)}}},
              {"models", json::array()}};
    for (const ModelSpec& ms : cs.models) c["models"].push_back(run_model(cfg, cs, ms, ctx, clock, all));
    out["cases"].push_back(std::move(c));
  }
  std::vector<const json*> records;
  for (const json& c : out["cases"])
    for (const json& m : c["models"]) records.push_back(&m);
  out["flags"] = gathered_flags(records);
  json sj = json::array();
  for (const ExportedSchedule& e : all)
    sj.push_back({{"name", e.name}, {"t", vec_json(e.t)}, {"sigmas", vec_json(e.sigma)}, {"timesteps", e.timesteps}});
  write_file(ctx.out_dir + "/schedules.json", json{{"schema", "thermodiff.schedules"}, {"version", 1}, {"units", out["units"]},
                                                   {"discrete_training", out["discrete_training"]}, {"schedules", sj}}.dump(1));
  write_file(ctx.out_dir + "/schedules.csv", schedules_csv(all));
  out["exports"] = {"schedules.json", "schedules.csv"};
  out["timing_s"] = clock.record(t_start);
  return out;
}

}  // namespace td
