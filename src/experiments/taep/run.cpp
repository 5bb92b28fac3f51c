#include "experiments/taep/run.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/distributed.hpp"
#include "core/file_io.hpp"
#include "core/interrupt.hpp"
#include "core/progress.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "observe/exact_reference.hpp"
#include "observe/sm_objective.hpp"
#include "observe/taep.hpp"
#include "observe/taep_dft.hpp"
#include "process/grids.hpp"
#include "data/points_file.hpp"
#include "nn/mlp.hpp"
#include "experiments/models.hpp"
#include "observe/coverage.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

// Every estimate with its standard error and its discretization error (value at 2 dt minus value
// at dt on the same noise; null where not estimated).
json summary_json(const TaepSummary& s) {
  return {{"mean", s.mean}, {"mean_se", s.mean_se}, {"mean_dt_error", finite_or_null(s.mean_dt)},
          {"var", s.var}, {"var_se", s.var_se}, {"var_dt_error", finite_or_null(s.var_dt)},
          {"k3", s.k3}, {"k3_dt_error", finite_or_null(s.k3_dt)}, {"k4", s.k4}, {"k4_dt_error", finite_or_null(s.k4_dt)},
          {"ift", finite_or_null(s.ift)}, {"ift_se", finite_or_null(s.ift_se)}, {"ift_dt_error", finite_or_null(s.ift_dt)},
          {"ift_ess", finite_or_null(s.ift_ess)}, {"ift_reliable", s.ift_reliable},
          {"kernel_mean", s.kernel_mean}, {"kernel_mean_se", s.kernel_mean_se},
          {"noise_mean", s.noise_mean}, {"noise_mean_se", s.noise_mean_se}, {"n", s.n}};
}

// What a reader must not miss about a model's TAEP: a discretization error above the standard
// error, and a negative mean (a KL between path measures is >= 0).
std::vector<std::string> taep_flags(const std::string& model, const TaepSummary& s, bool extrapolated) {
  std::vector<std::string> f;
  const char* remedy = extrapolated ? "even extrapolated from the last two grids: raise grid.max_steps"
                                    : "refine the grid ([grid] steps, or refine = true)";
  flag_dt_error(f, model + ": <Sigma>", s.mean, s.mean_se, s.mean_dt, remedy);
  flag_dt_error(f, model + ": Var Sigma", s.var, s.var_se, s.var_dt, remedy);
  if (s.ift_reliable) flag_dt_error(f, model + ": <e^-Sigma>", s.ift, s.ift_se, s.ift_dt, remedy);
  if (s.mean < -4 * s.mean_se)
    f.push_back(fmt::format("{}: <Sigma> = {:.5g} +- {:.3g} is negative by more than 4 standard errors, but it is a KL "
                            "divergence (>= 0): the time grid is far too coarse or the model's output is wrong", model, s.mean, s.mean_se));
  return f;
}

// True when every estimate's discretization error is below half its standard error.
// Richardson extrapolation of a first-order estimate from its grid (fine, step h) and the grid of
// half the steps before it (coarse, 2h), each with its dt_error = value(2 step) - value(step): for
// value(h) = V + C h + D h^2, value - dt_error = V - 2 D h^2, and that residual is
// -(dt_error(2h) - 2 dt_error(h)) / 3 (docs/discretization.md#extrapolated). The SEs stay the fine
// grid's.
TaepSummary extrapolated(TaepSummary f, const TaepSummary& c) {
  auto ext = [](double& v, double& dt, double dt_coarse) {
    if (!std::isfinite(dt) || !std::isfinite(dt_coarse)) return;
    v -= dt;
    dt = -(dt_coarse - 2 * dt) / 3;
  };
  ext(f.mean, f.mean_dt, c.mean_dt);
  ext(f.var, f.var_dt, c.var_dt);
  ext(f.k3, f.k3_dt, c.k3_dt);
  ext(f.k4, f.k4_dt, c.k4_dt);
  ext(f.ift, f.ift_dt, c.ift_dt);
  return f;
}

bool dt_error_small(const TaepSummary& s) {
  auto ok = [](double se, double e) { return !std::isfinite(e) || std::abs(e) <= 0.5 * se; };
  return ok(s.mean_se, s.mean_dt) && ok(s.var_se, s.var_dt) && (!s.ift_reliable || ok(s.ift_se, s.ift_dt));
}

json exact_json(const ExactReference& e) {
  return {{"kl", e.kl.value}, {"kl_se", e.kl.se}, {"relvar", e.relvar.value}, {"relvar_se", e.relvar.se},
          {"kl_T", e.kl_T.value}, {"kl_T_se", e.kl_T.se}, {"sigma_mean", e.sigma_mean.value},
          {"sigma_mean_se", e.sigma_mean.se}, {"sigma_var", e.sigma_var.value},
          {"sigma_var_se", e.sigma_var.se}, {"samples", e.samples}};
}

json coverage_json(const Mat& real, const Mat& generated) {
  const DensityCoverage dc = density_coverage(real, generated, 5);
  return {{"density", dc.density}, {"coverage", dc.coverage}, {"k", dc.k}, {"real", dc.reals},
          {"generated", dc.fakes}, {"expected_if_perfect", expected_coverage_same_distribution(dc.reals, dc.fakes, dc.k)}};
}


// The per-trajectory arrays of a model's TAEP, in a fixed order (for chunk files).
std::array<std::vector<double>*, 6> fields(TaepTrajectories& t) {
  return {&t.sigma, &t.kernel, &t.noise, &t.exact, &t.hutchinson_var, &t.sigma_coarse};
}

// A chunk [lo, hi) of every model's arrays as bytes: lo, hi, then per model and field the count
// (hi - lo, or 0 for an array the model does not have) and the values.
std::string chunk_bytes(std::vector<TaepTrajectories>& tr, int64_t lo, int64_t hi) {
  std::string b;
  auto put = [&](const void* p, size_t n) { b.append(static_cast<const char*>(p), n); };
  put(&lo, 8), put(&hi, 8);
  for (auto& t : tr)
    for (std::vector<double>* f : fields(t)) {
      const int64_t count = f->empty() ? 0 : hi - lo;
      put(&count, 8);
      if (count) put(f->data() + lo, size_t(count) * 8);
    }
  return b;
}

// Copies ids [lo, hi) of `src` into `dst` (sizing dst's arrays like src's).
void merge_chunk(TaepTrajectories& src, TaepTrajectories& dst, int64_t lo, int64_t hi) {
  const auto s = fields(src), d = fields(dst);
  for (size_t f = 0; f < s.size(); ++f) {
    if (s[f]->empty()) continue;
    if (d[f]->empty()) d[f]->assign(s[f]->size(), NAN);
    std::copy(s[f]->begin() + lo, s[f]->begin() + hi, d[f]->begin() + lo);
  }
}

// Reads a chunk file into `out` (arrays of n allocated as needed); false if it is not the chunk
// [lo, hi) of this many models (then the chunk is computed again).
bool read_chunk(const std::string& path, std::vector<TaepTrajectories>& out, int64_t n, int64_t lo, int64_t hi) {
  std::ifstream f(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t at = 0;
  auto get = [&](void* p, size_t len) {
    if (at + len > b.size()) return false;
    std::memcpy(p, b.data() + at, len);
    at += len;
    return true;
  };
  int64_t flo = 0, fhi = 0;
  if (!get(&flo, 8) || !get(&fhi, 8) || flo != lo || fhi != hi) return false;
  std::vector<TaepTrajectories> tmp(out.size());
  for (size_t m = 0; m < out.size(); ++m)
    for (std::vector<double>* fld : fields(tmp[m])) {
      int64_t count = 0;
      if (!get(&count, 8) || (count != 0 && count != hi - lo)) return false;
      fld->assign(size_t(n), NAN);
      if (count && !get(fld->data() + lo, size_t(count) * 8)) return false;
      if (!count) fld->clear();
    }
  if (at != b.size()) return false;
  for (size_t m = 0; m < out.size(); ++m) merge_chunk(tmp[m], out[m], lo, hi);
  return true;
}

// The trajectory ranges [lo, hi) of the chunk files of a grid of `steps` in `dir`, read into `out`
// (a file that is not a chunk of this ensemble is skipped: it is computed again).
std::vector<std::pair<int64_t, int64_t>> load_chunks(const std::string& dir, int64_t steps, std::vector<TaepTrajectories>& out,
                                                     int64_t n) {
  std::vector<std::pair<int64_t, int64_t>> have;
  std::error_code ec;
  const std::string prefix = fmt::format("taep-steps-{}-", steps);
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    long long lo = 0, hi = 0;
    if (f.rfind(prefix, 0) != 0 || std::sscanf(f.c_str() + prefix.size(), "%lld-%lld.bin", &lo, &hi) != 2) continue;
    if (lo >= 0 && lo < hi && hi <= n && read_chunk(e.path().string(), out, n, lo, hi)) have.emplace_back(lo, hi);
  }
  std::sort(have.begin(), have.end());
  return have;
}

// The TAEP ensemble; with a checkpoint directory, in chunks of trajectory ids saved as they finish,
// each sized to about kCheckpointSeconds of work from the rate of the chunks before it (the first is
// small), so that an interrupted run loses at most about a minute and a resumed run (--resume)
// computes only the ids no saved chunk holds. Per-trajectory values depend only on the trajectory's
// id, so the result is the same for any chunks (tests: Taep.ChunkedEnsembleEqualsTheWholeOne).
// The progress lines count the whole ensemble. `run` computes the ensemble of a spec's range
// (run_taep on the CPU, run_taep_fused on a platform).
using TaepEnsembleFn = std::function<std::vector<TaepTrajectories>(const EnsembleSpec&)>;
std::vector<TaepTrajectories> run_taep_resumable(const RunContext& ctx, const TimeGrid& grid, size_t models,
                                                 EnsembleSpec spec, const TaepEnsembleFn& run) {
  if (ctx.checkpoint_dir.empty()) return run(spec);
  const int64_t n = spec.trajectories, B = ensemble_block(spec);
  std::vector<TaepTrajectories> out(models);
  const auto have = load_chunks(ctx.checkpoint_dir, int64_t(grid.steps()), out, n);
  int64_t loaded = 0, done = 0, chunk = 4 * B;
  for (const auto& [lo, hi] : have) loaded += hi - lo;
  size_t next_saved = 0;
  for (int64_t first = 0; first < n;) {
    while (next_saved < have.size() && have[next_saved].second <= first) ++next_saved;
    if (next_saved < have.size() && have[next_saved].first <= first) {  // saved: skip it
      first = have[next_saved].second;
      continue;
    }
    const int64_t stop = next_saved < have.size() ? have[next_saved].first : n;
    spec.first = first, spec.last = std::min(stop, first + chunk);
    const auto [lo, hi] = ensemble_range(spec);
    const auto t0 = Clock::now();
    std::vector<TaepTrajectories> part;
    {
      const ProgressSpan span(loaded + done, n);
      part = run(spec);
    }
    write_file_atomically(fmt::format("{}/taep-steps-{}-{}-{}.bin", ctx.checkpoint_dir, grid.steps(), lo, hi),
                          chunk_bytes(part, lo, hi));
    for (size_t m = 0; m < models; ++m) merge_chunk(part[m], out[m], lo, hi);
    done += hi - lo;
    // The next chunk: about kCheckpointSeconds at this chunk's rate, whole blocks, at most 16x larger.
    const double rate = double(hi - lo) / std::max(seconds_since(t0), 1e-3);
    chunk = std::clamp<int64_t>(int64_t(rate * kCheckpointSeconds) / B * B, B, 16 * std::max<int64_t>(hi - lo, B));
    std::string agreed = std::to_string(chunk);  // under mpirun every rank takes rank 0's chunk bounds
    broadcast_bytes(agreed);
    chunk = std::stoll(agreed);
    first = hi;
  }
  if (loaded) ctx.log(fmt::format("taep: {} of {} trajectories taken from the interrupted run", loaded, n));
  return out;
}


// The models' series for the severity plots, with the separated-mode analytic curves when every
// member is a collapse model of the uniform ring target with the same K: over alpha if m is common,
// else over m at the common alpha (docs §2.5, eqs 53-55).
json series_json(const TaepConfig& cfg) {
  json series = json::array();
  std::vector<std::string> seen;
  for (const ModelSpec& ms : cfg.models) {
    if (ms.series.empty() || std::find(seen.begin(), seen.end(), ms.series) != seen.end()) continue;
    seen.push_back(ms.series);
    json sj = {{"name", ms.series}, {"models", json::array()}};
    std::vector<const ModelSpec*> members;
    for (const ModelSpec& o : cfg.models)
      if (o.series == ms.series) {
        sj["models"].push_back(o.name);
        members.push_back(&o);
      }
    bool collapse_series = cfg.target_is_ring;
    for (auto* o : members) collapse_series &= o->collapse() && o->collapse()->K == cfg.target.K();
    if (collapse_series && members.size() >= 2) {
      const int K = cfg.target.K();
      bool same_m = true, same_alpha = true;
      for (auto* o : members) {
        same_m &= o->collapse()->m == members[0]->collapse()->m;
        same_alpha &= std::abs(o->collapse()->alpha - members[0]->collapse()->alpha) < 1e-12;
      }
      json cx = json::array(), ckl = json::array(), cv = json::array();
      if (same_m) {
        sj["x_label"] = "alpha (weight of the collapsed modes relative to 1/K)";
        double lo = 1e300, hi = -1e300;
        for (auto* o : members) lo = std::min(lo, o->collapse()->alpha), hi = std::max(hi, o->collapse()->alpha);
        const int mm = members[0]->collapse()->m;
        for (int i = 0; i <= 200; ++i) {
          const double a = lo * std::pow(hi / lo, i / 200.0);
          const Vec w = collapse_weights(K, mm, a);
          cx.push_back(a), ckl.push_back(kl_separated_uniform(w)), cv.push_back(relvar_separated_uniform(w));
        }
      } else if (same_alpha) {
        sj["x_label"] = "m (number of under-weighted modes)";
        const double a = members[0]->collapse()->alpha;
        for (int mm = 0; mm < K && mm * a / K < 1.0; ++mm) {
          const Vec w = collapse_weights(K, mm, a);
          cx.push_back(mm), ckl.push_back(kl_separated_uniform(w)), cv.push_back(relvar_separated_uniform(w));
        }
      }
      sj["curve"] = {{"x", cx}, {"kl_separated", ckl}, {"relvar_separated", cv},
                     {"label", "well-separated modes, T -> infinity (docs §2.5, eqs 53-55)"}};
    }
    if (!sj.contains("x_label")) sj["x_label"] = "x";
    series.push_back(sj);
  }
  return series;
}

// One TAEP run: the stages below fill `out` and the per-model records `rows`, in this order.
class TaepRun {
 public:
  TaepRun(const TaepConfig& cfg, const RunContext& ctx)
      : cfg_(cfg), ctx_(ctx), process_(cfg.process), base_grid_(make_grid(process_, cfg.grid.spec)), grid_(base_grid_),
        d_(cfg.target.dim()), target_(std::make_shared<MixtureScore>(cfg.target, process_)), rows_(cfg.models.size()) {}

  // Runs a stage, its wall time into timing_s[name].
  void stage(const char* name, const StageSizes& sizes, const std::function<void()>& fn) { clock_.run(name, sizes, fn); }

  // Every model's score (MLPs are trained here) and, for an MLP trained on a mixture, its exact-score
  // companion: run in the same ensemble, it is what a perfectly trained network would give.
  void build_models() {
    opt_ = {cfg_.product, {}, {cfg_.seed, Stream::TaepProbes}};
    for (size_t i = 0; i < cfg_.models.size(); ++i) {
      const ModelSpec& ms = cfg_.models[i];
      models_.push_back(build_model(ms, cfg_.data, "the target", target_, process_, cfg_.seed, ctx_, training_[i]));
      if (const NetworkModelSpec* net = ms.network()) {
        opt_.hutchinson_probes.resize(cfg_.models.size(), 0);
        opt_.hutchinson_probes[i] = net->hutchinson_probes;
      }
    }
    companion_of_.assign(models_.size(), -1);
    for (size_t i = 0; i < models_.size(); ++i)
      if (auto c = companion_score(cfg_.models[i], process_)) {
        companion_of_[i] = int(models_.size() + companions_.size());
        companions_.push_back(c);
      }
    for (auto& m : models_) scores_.push_back(m.get());
    for (auto& c : companions_) scores_.push_back(c.get());
    if (!opt_.hutchinson_probes.empty()) opt_.hutchinson_probes.resize(scores_.size(), 0);
  }

  // TAEP of every score on one forward ensemble from p_{t_min} (docs §2.3); with grid.refine, again
  // on a grid of twice the steps until every discretization error is below half its SE.
  void ensemble() {
    for (;;) {
      run_ensemble();
      bool small = true;
      for (const TaepTrajectories& t : traj_) small &= dt_error_small(summarize_taep(t));
      refine_converged_ = small;
      if (!cfg_.grid.refine || small) break;
      if (int64_t(grid_.steps()) * 2 > cfg_.grid.max_steps) {
        extrapolated_ = !previous_.empty();
        ctx_.log(fmt::format("taep: refinement stopped at {} steps (max_steps = {}) with a discretization error above SE/2{}",
                             grid_.steps(), cfg_.grid.max_steps,
                             extrapolated_ ? fmt::format("; the estimates are extrapolated from {} and {} steps (Richardson)",
                                                         grid_.steps() / 2, grid_.steps())
                                           : ""));
        break;
      }
      previous_.clear();
      for (const TaepTrajectories& t : traj_) previous_.push_back(summarize_taep(t));
      grid_ = grid_.refined(2);
      ctx_.log(fmt::format("taep: discretization error above SE/2; refining to {} steps", grid_.steps()));
    }
    for (size_t m = 0; m < models_.size(); ++m) rows_[m] = model_record(m);
  }

  void run_ensemble() {
    ctx_.log(fmt::format("taep: {} models{}, {} trajectories x {} steps ({} grid), d = {}", models_.size(),
                         companions_.empty() ? "" : fmt::format(" + {} exact-field companions", companions_.size()),
                         cfg_.trajectories, grid_.steps(), grid_kind_name(cfg_.grid.spec.kind), d_));
    const RngKey init_key{cfg_.seed, Stream::Init}, noise_key{cfg_.seed, Stream::Forward};
    const MarginalSampler init_sampler = mixture_marginal_sampler(cfg_.target, process_, init_key);
    const InitFn init = [&](const uint64_t* ids, int n, Mat& X) { init_sampler(grid_.t_min(), ids, n, 0, X); };
    // The platform runs it: the engine's blocks on a CPU, a fused kernel where it has one and the
    // job allows (what it ran, or why not, logged and recorded).
    const Platform& pf = *ctx_.platform;
    const TaepJob job{process_, grid_, *target_, scores_, init, init_key, noise_key, opt_};
    if (const std::string how = pf.taep_ensemble_how(job); !how.empty()) {
      out_["device"]["taep_ensemble"] = how;
      ctx_.log("taep: device = " + pf.name() + ", the ensemble runs on " + how);
    }
    const TaepEnsembleFn run = [&](const EnsembleSpec& spec) { return pf.taep_ensemble(job, spec); };
    const auto t0 = Clock::now();
    traj_ = run_taep_resumable(ctx_, grid_, scores_.size(), {cfg_.trajectories, cfg_.block}, run);
    const double s = seconds_since(t0), work = double(cfg_.trajectories) * grid_.steps();
    ctx_.log(fmt::format("taep: ensemble done in {:.2f} s ({:.3g} trajectory-steps/s per model)", s,
                         work * double(scores_.size()) / s));
    out_["throughput"] = {{"trajectory_steps_per_s_per_model", work * double(models_.size()) / s}};
  }

  // The run's description: process, grid, target (its law in full when small) and its samples.
  void describe_run() {
    out_["units"] = {{"taep", "nats"}, {"kl", "nats"}, {"relvar", "nats^2"}, {"time", "process time t"},
                     {"sm_rate", "nats per unit time"}};
    out_["process"] = process_record(process_);
    out_["grid"] = grid_json();
    out_["sim"] = {{"trajectories", cfg_.trajectories}, {"steps", grid_.steps()},
                   {"block", cfg_.block}, {"forward_steps", "exact Gaussian transition"}, {"noise_product", cfg_.product == NoiseProduct::Ito ? "ito" : "midpoint"},
                   {"objective_samples_per_node", cfg_.objective_samples}, {"exact_samples", cfg_.exact_samples}};
    const GaussianMixture& g = cfg_.target;
    out_["target"] = {{"K", g.K()}, {"dim", d_}, {"description", cfg_.data.description}};
    if (int64_t(g.K()) * d_ <= 20000) {  // an empirical law of many points is summarized, not listed
      out_["target"]["weights"] = vec_json(g.weights);
      out_["target"]["means"] = json::array();
      for (int k = 0; k < g.K(); ++k) out_["target"]["means"].push_back(vec_json(RowVec(g.means.row(k))));
    }
    // Target samples: the report's scatter plots and the real side of density/coverage.
    const int64_t ng = cfg_.generated_samples;
    Y_.resize(ng, d_);
    if (ng > 0) {
      parallel_blocks({ng, 256}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
        Mat X;
        sample_mixture(g, {cfg_.seed, Stream::User}, ids, n, 0, X);
        Y_.middleRows(first, nv) = X.topRows(nv);
      });
      if (d_ >= 2) out_["target"]["samples"] = {{"x", vec_json(Y_.col(0))}, {"y", vec_json(Y_.col(1))}};
    }
  }

  // The score-matching objective of every model, independently of the paths (docs §2.4, eq. 33).
  void objective() {
    for (size_t m = 0; m < models_.size(); ++m) {
      const SmObjective obj = sm_objective(process_, base_grid_, *target_, *models_[m],
                                           mixture_marginal_sampler(cfg_.target, process_, {cfg_.seed, Stream::Objective, sub(m)}),
                                           cfg_.objective_samples);
      rows_[m]["taep"]["sm_objective"] = obj.total.value;
      rows_[m]["taep"]["sm_objective_se"] = obj.total.se;
      const size_t stride = std::max<size_t>(1, obj.t.size() / 200);
      json rate = {{"t", json::array()}, {"rate", json::array()}, {"rate_se", json::array()}};
      for (size_t i = 0; i < obj.t.size(); i += stride) {
        rate["t"].push_back(obj.t[i]);
        rate["rate"].push_back(obj.rate[i]);
        rate["rate_se"].push_back(obj.rate_se[i]);
      }
      rows_[m]["sm_rate"] = rate;
    }
  }

  // Exact references of the exact-score-field models and of the networks' companions (docs §2.5).
  void exact_references() {
    for (size_t m = 0; m < models_.size(); ++m) {
      const ModelSpec& ms = cfg_.models[m];
      if (models_[m]->has_log_density()) {
        json ex = exact_json(exact_reference_of(*models_[m], sub(m)));
        if (separated_curve(ms)) {
          const Vec& w = ms.as<MixtureModel>()->mixture.weights;
          ex["kl_separated"] = kl_separated_uniform(w);
          ex["relvar_separated"] = relvar_separated_uniform(w);
        }
        rows_[m]["exact"] = ex;
      }
      if (companion_of_[m] < 0) continue;
      const size_t c = size_t(companion_of_[m]);
      json& ef = rows_[m]["exact_field"];
      ef["exact"] = exact_json(exact_reference_of(*companions_[c - models_.size()], uint32_t(c) + 1));
      if (separated_curve(ms)) {
        ef["kl_separated"] = kl_separated_uniform(ms.as<MlpModel>()->data->data.law->weights);
        ef["relvar_separated"] = relvar_separated_uniform(ms.as<MlpModel>()->data->data.law->weights);
      }
    }
  }

  // The detailed FT from reverse-sampler paths started at the forward final law p_T (docs §2.4).
  void detailed_ft() {
    const int64_t nd = cfg_.dft_trajectories > 0 ? cfg_.dft_trajectories : cfg_.trajectories;
    const MarginalSampler pT = mixture_marginal_sampler(cfg_.target, process_, {cfg_.seed, Stream::DftInit});
    const InitFn init_T = [&](const uint64_t* ids, int n, Mat& X) { pT(grid_.T(), ids, n, 0, X); };
    for (size_t m = 0; m < models_.size(); ++m) {
      const auto rev = run_taep_on_reverse_paths(process_, grid_, *target_, *models_[m], {nd, cfg_.block}, init_T,
                                                 PhiloxNoise({cfg_.seed, Stream::ReverseDft, sub(m)}), cfg_.grid.reverse);
      const DftCheck c = dft_check(traj_[m].sigma, rev);
      rows_[m]["dft"] = {{"trajectories", nd}, {"slope", finite_or_null(c.slope)}, {"slope_se", finite_or_null(c.slope_se)},
                         {"intercept", finite_or_null(c.intercept)}, {"ift_reverse", finite_or_null(c.ift_reverse)},
                         {"ift_reverse_se", finite_or_null(c.ift_reverse_se)}, {"ift_reverse_ess", finite_or_null(c.ift_reverse_ess)},
                         {"centers", vec_json(c.centers)}, {"log_ratio", vec_json(c.log_ratio)},
                         {"log_ratio_se", vec_json(c.log_ratio_se)}};
    }
  }

  // Samples generated by every model from the prior, by the reverse SDE and by the PF-ODE, and their
  // density and coverage against target samples (Naeem et al., k = 5; docs §2.7).
  void generated_samples() {
    const int64_t ng = cfg_.generated_samples;
    const InitFn prior = prior_init(process_, d_, {cfg_.seed, Stream::Prior});
    for (size_t m = 0; m < models_.size(); ++m) {
      const Score& model = *models_[m];
      const Mat G = sample_reverse_sde(process_, grid_, model, {ng, cfg_.block}, prior,
                                       PhiloxNoise({cfg_.seed, Stream::Reverse, sub(m)}), cfg_.grid.reverse);
      const Mat H = sample_pf_ode_rk4(process_, grid_, model, {ng, cfg_.block}, prior);
      json& r = rows_[m];
      if (d_ >= 2) {
        r["generated"] = {{"x", vec_json(G.col(0))}, {"y", vec_json(G.col(1))}, {"sampler", "reverse SDE (" + reverse_scheme_name(cfg_.grid.reverse) + ")"}};
        r["generated_pf_ode"] = {{"x", vec_json(H.col(0))}, {"y", vec_json(H.col(1))}, {"sampler", "probability-flow ODE (RK4)"}};
      }
      if (ng > 5) {
        r["coverage"] = coverage_json(Y_, G);
        r["coverage_pf_ode"] = coverage_json(Y_, H);
      }
    }
  }

  // Per-trajectory values as CSV files (output.per_trajectory).
  void per_trajectory_files() {
    for (size_t m = 0; m < models_.size(); ++m) {
      const TaepTrajectories& t = traj_[m];
      std::string csv = std::string("trajectory,sigma_nats,kernel_nats,noise_nats") + (t.exact.empty() ? "" : ",exact_nats") + "\n";
      for (size_t i = 0; i < t.sigma.size(); ++i) {
        csv += fmt::format("{},{:.17g},{:.17g},{:.17g}", i, t.sigma[i], t.kernel[i], t.noise[i]);
        if (!t.exact.empty()) csv += fmt::format(",{:.17g}", t.exact[i]);
        csv += '\n';
      }
      write_file(ctx_.out_dir + "/taep_" + cfg_.models[m].name + ".csv", csv);
    }
  }

  // Series (for the severity plots) with the separated-mode analytic curves (docs §2.5).
  void series() { out_["series"] = series_json(cfg_); }

  json results(Clock::time_point start) {
    json jm = json::array();
    out_["flags"] = json::array();
    for (size_t m = 0; m < models_.size(); ++m) {
      jm.push_back(rows_[m]);
      const TaepSummary s = summary(m);
      ctx_.log(fmt::format("  {:<24} <Sigma> = {:.5f} +- {:.5f} (dt {:+.1e})  Var = {:.5f} +- {:.5f} (dt {:+.1e})  "
                           "<e^-Sigma> = {:.4f} +- {:.4f} (dt {:+.1e})  [nats; +- standard error, dt: {}]",
                           cfg_.models[m].name, s.mean, s.mean_se, s.mean_dt, s.var, s.var_se, s.var_dt, s.ift, s.ift_se, s.ift_dt,
                           extrapolated_ ? "error of the extrapolation" : "discretization error"));
      for (const std::string& f : taep_flags(cfg_.models[m].name, s, extrapolated_)) out_["flags"].push_back(f);
      if (companion_of_[m] >= 0) {
        const TaepSummary cs = summary(size_t(companion_of_[m]));
        ctx_.log(fmt::format("  {:<24} <Sigma> = {:.5f} +- {:.5f}  Var = {:.5f} +- {:.5f}  (exact score of its training mixture)",
                             "", cs.mean, cs.mean_se, cs.var, cs.var_se));
      }
    }
    out_["models"] = jm;
    out_["report"] = {{"side_by_side", cfg_.side_by_side}};
    out_["timing_s"] = clock_.record(start);
    return out_;
  }

 private:
  // The grid the ensemble used, and what refinement did.
  json grid_json() const {
    json g = grid_record(cfg_.grid.spec, grid_);
    g["configured_steps"] = base_grid_.steps();
    g["dt_error"] = "the leading error of each value: value at 2 dt minus value at dt on the same noise (Richardson, first order)";
    g["refine"] = cfg_.grid.refine;
    if (cfg_.grid.refine) g["refine_converged"] = refine_converged_, g["max_steps"] = cfg_.grid.max_steps, g["extrapolated"] = extrapolated_;
    return g;
  }

  // Per-model Monte Carlo streams: substream m + 1 (companions follow the models: c + 1).
  static uint32_t sub(size_t m) { return uint32_t(m) + 1; }

  bool separated_curve(const ModelSpec& ms) const {
    const bool uniform = (cfg_.target.weights.array() - 1.0 / cfg_.target.K()).abs().maxCoeff() < 1e-12;
    return ms.collapse() && cfg_.target_is_ring && ms.collapse()->K == cfg_.target.K() && uniform;
  }

  ExactReference exact_reference_of(const Score& model, uint32_t substream) const {
    return exact_reference(process_, *target_, model,
                           mixture_marginal_sampler(cfg_.target, process_, {cfg_.seed, Stream::ExactMC, substream}),
                           cfg_.exact_samples, {cfg_.seed, Stream::ExactTransition, substream});
  }

  // A model's record from its paths: summary, histogram, IFT convergence, network and training.
  // A score's summary: as measured, or Richardson-extrapolated from the last two grids when
  // refinement stopped at max_steps short of its criterion.
  TaepSummary summary(size_t i) const {
    const TaepSummary s = summarize_taep(traj_[i]);
    return extrapolated_ ? extrapolated(s, previous_[i]) : s;
  }

  json model_record(size_t m) const {
    const ModelSpec& ms = cfg_.models[m];
    const TaepSummary s = summary(m);
    json r;
    r["name"] = ms.name;
    r["description"] = models_[m]->describe();
    r["series"] = ms.series;
    r["x"] = ms.x ? json(*ms.x) : json(nullptr);
    const std::optional<CollapseTag> col = ms.collapse();
    r["collapse"] = col ? json{{"m", col->m}, {"alpha", col->alpha}} : json(nullptr);
    r["perturb"] = ms.perturb ? json{{"kind", ms.perturb->kind == PerturbKind::Scale ? "scale" : "rotate"},
                                     {"eps", ms.perturb->eps}}
                              : json(nullptr);
    r["taep"] = summary_json(s);
    if (extrapolated_) {  // the values on the finest grid, beside their extrapolation
      r["taep"]["estimate"] = fmt::format("extrapolated (Richardson) from {} and {} steps; *_dt_error: its own error",
                                          grid_.steps() / 2, grid_.steps());
      r["taep"]["on_grid"] = summary_json(summarize_taep(traj_[m]));
    }
    r["flags"] = taep_flags(ms.name, s, extrapolated_);
    const Histogram h = histogram_auto(traj_[m].sigma, cfg_.histogram_bins);
    r["histogram"] = histogram_json(h);
    std::vector<double> neg(traj_[m].sigma.size());
    for (size_t i = 0; i < neg.size(); ++i) neg[i] = -traj_[m].sigma[i];
    r["ift_running"] = running_json(running_mean_exp(neg));
    if (!training_[m].is_null()) r["training"] = training_[m];
    if (const NetworkModelSpec* net = ms.network()) {
      r["network"] = ms.network_record();
      // mean added variance of Sigma from the probes; unknown (null) with a single probe
      r["network"]["hutchinson_var"] = net->hutchinson_probes >= 2 ? json(s.hutchinson_var) : json(nullptr);
    }
    if (companion_of_[m] >= 0) {  // the companion's TAEP on the same bins
      const size_t c = size_t(companion_of_[m]);
      r["exact_field"] = {{"description", companions_[c - models_.size()]->describe()},
                          {"taep", summary_json(summary(c))},
                          {"histogram", histogram_json(histogram(traj_[c].sigma, cfg_.histogram_bins, h.edges.front(),
                                                                 h.edges.back()))}};
    }
    return r;
  }

  const TaepConfig& cfg_;
  const RunContext& ctx_;
  const Process process_;
  const TimeGrid base_grid_;  // as configured (the objective's quadrature nodes)
  TimeGrid grid_;             // the ensemble's (refined when grid.refine asks)
  bool refine_converged_ = false;
  std::vector<TaepSummary> previous_;  // every score's summary on the grid before the last refinement
  bool extrapolated_ = false;          // refinement stopped short of its criterion: estimates extrapolated
  const int d_;
  std::shared_ptr<const MixtureScore> target_;
  TaepOptions opt_;
  std::vector<std::shared_ptr<const Score>> models_, companions_;
  std::vector<const Score*> scores_;  // models, then companions
  std::vector<int> companion_of_;
  std::vector<json> training_ = std::vector<json>(cfg_.models.size()), rows_;
  std::vector<TaepTrajectories> traj_;
  Mat Y_;
  json out_;
  StageClock clock_;
};

}  // namespace

json run_taep_experiment(const TaepConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  TaepRun run(cfg, ctx);
  run.stage("models", {"training.steps", "models.training.steps"}, [&] { run.build_models(); });
  run.stage("taep_ensemble", {"sim.trajectories"}, [&] { run.ensemble(); });
  run.stage("target", {}, [&] { run.describe_run(); });
  run.stage("sm_objective", {"sim.objective_samples"}, [&] { run.objective(); });
  run.stage("exact_reference", {"sim.exact_samples"}, [&] { run.exact_references(); });
  if (cfg.dft) run.stage("dft", {"sim.dft_trajectories"}, [&] { run.detailed_ft(); });
  if (cfg.generated_samples > 0) run.stage("generated_samples", {"sim.generated_samples"}, [&] { run.generated_samples(); });
  if (cfg.per_trajectory_csv) run.stage("per_trajectory", {"sim.trajectories"}, [&] { run.per_trajectory_files(); });
  run.stage("series", {}, [&] { run.series(); });
  return run.results(t_start);
}

}  // namespace td
