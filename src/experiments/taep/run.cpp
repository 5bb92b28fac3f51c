#include "experiments/taep/run.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/file_io.hpp"
#include "core/progress.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "observe/exact_reference.hpp"
#include "observe/sm_objective.hpp"
#include "observe/taep.hpp"
#include "observe/taep_dft.hpp"
#include "data/points_file.hpp"
#include "nn/mlp.hpp"
#include "experiments/models.hpp"
#include "observe/coverage.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

json summary_json(const TaepSummary& s) {
  return {{"mean", s.mean}, {"mean_se", s.mean_se}, {"var", s.var}, {"var_se", s.var_se},
          {"k3", s.k3}, {"k4", s.k4}, {"ift", finite_or_null(s.ift)}, {"ift_se", finite_or_null(s.ift_se)},
          {"ift_ess", finite_or_null(s.ift_ess)}, {"ift_reliable", s.ift_reliable},
          {"kernel_mean", s.kernel_mean}, {"kernel_mean_se", s.kernel_mean_se},
          {"noise_mean", s.noise_mean}, {"noise_mean_se", s.noise_mean_se}, {"n", s.n}};
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

struct BuiltModel {
  std::shared_ptr<const Score> score;
  const ModelSpec* spec;
};

// The per-trajectory arrays of a model's TAEP, in a fixed order (for chunk files).
std::array<std::vector<double>*, 5> fields(TaepTrajectories& t) {
  return {&t.sigma, &t.kernel, &t.noise, &t.exact, &t.hutchinson_var};
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

// The TAEP ensemble; with a checkpoint directory, in chunks of trajectory ids saved as they finish,
// so that a resumed run (--resume) computes only the missing ones. Per-trajectory values depend only
// on the trajectory's id, so the result is the same (tests: Taep.ChunkedEnsembleEqualsTheWholeOne).
std::vector<TaepTrajectories> run_taep_resumable(const RunContext& ctx, const Process& process, const TimeGrid& grid,
                                                 const Score& target, const std::vector<const Score*>& models,
                                                 EnsembleSpec spec, const InitFn& init, const NoiseSource& noise,
                                                 const TaepOptions& opt) {
  if (ctx.checkpoint_dir.empty()) return run_taep(process, grid, target, models, spec, init, noise, opt);
  const int64_t n = spec.trajectories, B = ensemble_block(spec);
  const int64_t chunk = (std::max<int64_t>((n + 15) / 16, 16 * B) + B - 1) / B * B;  // <= 16 chunks, whole blocks
  std::vector<TaepTrajectories> out(models.size());
  int64_t loaded = 0;
  for (int64_t first = 0, c = 0; first < n; first += chunk, ++c) {
    spec.first = first, spec.last = first + chunk;
    const auto [lo, hi] = ensemble_range(spec);
    const std::string file = fmt::format("{}/taep-chunk-{}.bin", ctx.checkpoint_dir, c);
    if (std::filesystem::exists(file) && read_chunk(file, out, n, lo, hi)) {
      loaded += hi - lo;
      continue;
    }
    auto part = run_taep(process, grid, target, models, spec, init, noise, opt);
    write_file_atomically(file, chunk_bytes(part, lo, hi));
    for (size_t m = 0; m < models.size(); ++m) merge_chunk(part[m], out[m], lo, hi);
  }
  if (loaded) ctx.log(fmt::format("taep: {} of {} trajectories taken from the interrupted run", loaded, n));
  return out;
}

}  // namespace

json run_taep_experiment(const TaepConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  const Process process(cfg.process);
  const TimeGrid grid{cfg.process.t_min, cfg.process.T, cfg.steps};
  const int d = cfg.target.dim();
  auto target = std::make_shared<MixtureScore>(cfg.target, process);

  std::vector<BuiltModel> models;
  std::vector<json> training(cfg.models.size());
  TaepOptions taep_opt{cfg.product, {}, {cfg.seed, Stream::TaepProbes}};
  for (size_t i = 0; i < cfg.models.size(); ++i) {
    const ModelSpec& ms = cfg.models[i];
    models.push_back({build_model(ms, cfg.data, "the target", target, process, cfg.seed, ctx, training[i]), &ms});
    if (ms.network) {
      taep_opt.hutchinson_probes.resize(cfg.models.size(), 0);
      taep_opt.hutchinson_probes[i] = ms.network->hutchinson_probes;
    }
  }
  // Exact-score-field companions: for an MLP trained on a mixture, the exact score of that
  // mixture, run in the same ensemble, is what a perfectly trained network would give.
  std::vector<std::shared_ptr<const Score>> companions;
  std::vector<int> companion_of(models.size(), -1);
  for (size_t i = 0; i < models.size(); ++i)
    if (auto c = companion_score(*models[i].spec, process)) {
      companion_of[i] = int(models.size() + companions.size());
      companions.push_back(c);
    }
  std::vector<const Score*> ptrs;
  for (auto& m : models) ptrs.push_back(m.score.get());
  for (auto& c : companions) ptrs.push_back(c.get());
  if (!taep_opt.hutchinson_probes.empty()) taep_opt.hutchinson_probes.resize(ptrs.size(), 0);

  // 1. TAEP on one forward ensemble.
  ctx.log(fmt::format("taep: {} models{}, {} trajectories x {} steps, d = {}", models.size(),
                      companions.empty() ? "" : fmt::format(" + {} exact-field companions", companions.size()),
                      cfg.trajectories, cfg.steps, d));
  const MarginalSampler init_sampler = mixture_marginal_sampler(cfg.target, process, {cfg.seed, Stream::Init});
  const InitFn init = [&](const uint64_t* ids, int n, Mat& X) { init_sampler(grid.t_min, ids, n, 0, X); };
  const PhiloxNoise noise({cfg.seed, Stream::Forward});
  auto t0 = Clock::now();
  set_progress_stage("taep");
  const auto traj = run_taep_resumable(ctx, process, grid, *target, ptrs, {cfg.trajectories, cfg.block}, init, noise, taep_opt);
  const double taep_s = seconds_since(t0);
  ctx.log(fmt::format("taep: ensemble done in {:.2f} s ({:.3g} trajectory-steps/s per model)", taep_s,
                      double(cfg.trajectories) * cfg.steps * ptrs.size() / taep_s));

  json out;
  out["schema"] = "thermodiff.results/1";
  out["experiment"] = "taep";
  out["title"] = cfg.title;
  out["seed"] = cfg.seed;
  out["threads"] = ctx.threads;
  out["units"] = {{"taep", "nats"}, {"kl", "nats"}, {"relvar", "nats^2"}, {"time", "process time t"},
                  {"sm_rate", "nats per unit time"}};
  out["process"] = {{"kind", process_kind_name(cfg.process.kind)}, {"description", process.describe()},
                    {"t_min", cfg.process.t_min}, {"T", cfg.process.T}};
  out["sim"] = {{"trajectories", cfg.trajectories}, {"steps", cfg.steps}, {"dt", grid.dt()},
                {"block", cfg.block}, {"noise_product", cfg.product == NoiseProduct::Ito ? "ito" : "midpoint"},
                {"objective_samples_per_node", cfg.objective_samples}, {"exact_samples", cfg.exact_samples}};
  out["target"] = {{"K", cfg.target.K()}, {"dim", d}, {"means", json::array()}, {"weights", vec_json(cfg.target.weights)}};
  for (int k = 0; k < cfg.target.K(); ++k) {
    json r = json::array();
    for (int j = 0; j < d; ++j) r.push_back(cfg.target.means(k, j));
    out["target"]["means"].push_back(r);
  }

  // Target samples for the report's scatter plots.
  const int64_t ng = cfg.generated_samples;
  Mat Y(ng, d);  // target samples: scatter plots and the real side of density/coverage
  if (ng > 0) {
    parallel_blocks({ng, 256}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
      Mat X;
      sample_mixture(cfg.target, {cfg.seed, Stream::User}, ids, n, 0, X);
      Y.middleRows(first, nv) = X.topRows(nv);
    });
    if (d >= 2) out["target"]["samples"] = {{"x", vec_json(Y.col(0))}, {"y", vec_json(Y.col(1))}};
  }

  double sm_s = 0, exact_s = 0, dft_s = 0, gen_s = 0;
  const bool uniform_target = (cfg.target.weights.array() - 1.0 / cfg.target.K()).abs().maxCoeff() < 1e-12;
  json jm = json::array();
  for (size_t m = 0; m < models.size(); ++m) {
    const ModelSpec& ms = *models[m].spec;
    const Score& model = *models[m].score;
    // Per-model Monte Carlo streams: substream m + 1 (companions follow the models: c + 1).
    const uint32_t sub = uint32_t(m) + 1;
    json r;
    r["name"] = ms.name;
    r["description"] = model.describe();
    r["series"] = ms.series;
    r["x"] = ms.x ? json(*ms.x) : json(nullptr);
    r["collapse"] = ms.collapse ? json{{"m", ms.collapse->first}, {"alpha", ms.collapse->second}} : json(nullptr);
    r["perturb"] = ms.perturb ? json{{"kind", ms.perturb->kind == PerturbKind::Scale ? "scale" : "rotate"},
                                     {"eps", ms.perturb->eps}}
                              : json(nullptr);
    const TaepSummary s = summarize_taep(traj[m]);

    // 2. Score-matching objective, independently of the paths.
    t0 = Clock::now();
    const SmObjective obj = sm_objective(process, grid, *target, model,
                                         mixture_marginal_sampler(cfg.target, process, {cfg.seed, Stream::Objective, sub}),
                                         cfg.objective_samples);
    sm_s += seconds_since(t0);

    r["taep"] = summary_json(s);
    r["taep"]["sm_objective"] = obj.total.value;
    r["taep"]["sm_objective_se"] = obj.total.se;
    {
      const size_t stride = std::max<size_t>(1, obj.t.size() / 200);
      json rate = {{"t", json::array()}, {"rate", json::array()}, {"rate_se", json::array()}};
      for (size_t i = 0; i < obj.t.size(); i += stride) {
        rate["t"].push_back(obj.t[i]);
        rate["rate"].push_back(obj.rate[i]);
        rate["rate_se"].push_back(obj.rate_se[i]);
      }
      r["sm_rate"] = rate;
    }
    const Histogram h = histogram_auto(traj[m].sigma, cfg.histogram_bins);
    r["histogram"] = histogram_json(h);
    std::vector<double> neg(traj[m].sigma.size());
    for (size_t i = 0; i < neg.size(); ++i) neg[i] = -traj[m].sigma[i];
    const RunningCurve rc = running_mean_exp(neg);
    r["ift_running"] = running_json(rc);

    // 3. Exact references for exact-score-field models.
    if (model.has_log_density()) {
      t0 = Clock::now();
      const ExactReference e = exact_reference(process, *target, model,
                                               mixture_marginal_sampler(cfg.target, process, {cfg.seed, Stream::ExactMC, sub}),
                                               cfg.exact_samples, {cfg.seed, Stream::ExactTransition, sub});
      exact_s += seconds_since(t0);
      json ex = exact_json(e);
      if (ms.collapse && cfg.target_is_ring && ms.collapse_K == cfg.target.K() && uniform_target) {
        ex["kl_separated"] = kl_separated_uniform(ms.mixture->weights);
        ex["relvar_separated"] = relvar_separated_uniform(ms.mixture->weights);
      }
      r["exact"] = ex;
    }

    // 4. Detailed FT from reverse-sampler paths started at the forward final law p_T.
    if (cfg.dft) {
      t0 = Clock::now();
      const int64_t nd = cfg.dft_trajectories > 0 ? cfg.dft_trajectories : cfg.trajectories;
      const MarginalSampler pT = mixture_marginal_sampler(cfg.target, process, {cfg.seed, Stream::DftInit});
      const InitFn init_T = [&](const uint64_t* ids, int n, Mat& X) { pT(grid.T, ids, n, 0, X); };
      const auto rev = run_taep_on_reverse_paths(process, grid, *target, model, {nd, cfg.block}, init_T,
                                                 PhiloxNoise({cfg.seed, Stream::ReverseDft, sub}));
      const DftCheck c = dft_check(traj[m].sigma, rev);
      r["dft"] = {{"trajectories", nd}, {"slope", finite_or_null(c.slope)}, {"slope_se", finite_or_null(c.slope_se)},
                  {"intercept", finite_or_null(c.intercept)}, {"ift_reverse", finite_or_null(c.ift_reverse)},
                  {"ift_reverse_se", finite_or_null(c.ift_reverse_se)}, {"ift_reverse_ess", finite_or_null(c.ift_reverse_ess)},
                  {"centers", vec_json(c.centers)}, {"log_ratio", vec_json(c.log_ratio)},
                  {"log_ratio_se", vec_json(c.log_ratio_se)}};
      dft_s += seconds_since(t0);
    }

    // 5. Samples generated by the model from the prior, by the reverse SDE and by the PF-ODE, for
    // the scatter plots and their density and coverage against target samples (Naeem et al., k = 5).
    if (ng > 0) {
      t0 = Clock::now();
      const InitFn prior = prior_init(process, d, {cfg.seed, Stream::Prior});
      const Mat G = sample_reverse_sde(process, grid, model, {ng, cfg.block}, prior,
                                       PhiloxNoise({cfg.seed, Stream::Reverse, sub}));
      const Mat H = sample_pf_ode_rk4(process, grid, model, {ng, cfg.block}, prior);
      if (d >= 2) {
        r["generated"] = {{"x", vec_json(G.col(0))}, {"y", vec_json(G.col(1))}, {"sampler", "reverse SDE (Euler-Maruyama)"}};
        r["generated_pf_ode"] = {{"x", vec_json(H.col(0))}, {"y", vec_json(H.col(1))}, {"sampler", "probability-flow ODE (RK4)"}};
      }
      if (ng > 5) {
        r["coverage"] = coverage_json(Y, G);
        r["coverage_pf_ode"] = coverage_json(Y, H);
      }
      gen_s += seconds_since(t0);
    }
    if (!training[m].is_null()) r["training"] = training[m];
    if (ms.network) {
      r["network"] = network_json(*ms.network);
      // mean added variance of Sigma from the probes; unknown (null) with a single probe
      r["network"]["hutchinson_var"] = ms.network->hutchinson_probes >= 2 ? json(s.hutchinson_var) : json(nullptr);
    }
    // The exact-score-field prediction beside a trained model: the companion's TAEP, its exact
    // references and, for a collapse ring, the separated-mode closed forms for the same (m, alpha).
    std::string field_line;
    if (companion_of[m] >= 0) {
      const int c = companion_of[m];
      const Score& field = *companions[size_t(c) - models.size()];
      const TaepSummary cs = summarize_taep(traj[size_t(c)]);
      json ef = {{"description", field.describe()}, {"taep", summary_json(cs)}};
      ef["histogram"] = histogram_json(histogram(traj[size_t(c)].sigma, cfg.histogram_bins, h.edges.front(), h.edges.back()));
      t0 = Clock::now();
      const uint32_t csub = uint32_t(c) + 1;
      ef["exact"] = exact_json(exact_reference(process, *target, field,
                                               mixture_marginal_sampler(cfg.target, process, {cfg.seed, Stream::ExactMC, csub}),
                                               cfg.exact_samples, {cfg.seed, Stream::ExactTransition, csub}));
      exact_s += seconds_since(t0);
      if (ms.collapse && cfg.target_is_ring && ms.collapse_K == cfg.target.K() && uniform_target) {
        ef["kl_separated"] = kl_separated_uniform(ms.network->data->data.law->weights);
        ef["relvar_separated"] = relvar_separated_uniform(ms.network->data->data.law->weights);
      }
      r["exact_field"] = ef;
      field_line = fmt::format("  {:<24} <Sigma> = {:.5f} +- {:.5f}  Var = {:.5f} +- {:.5f}  (exact score of its training mixture)",
                               "", cs.mean, cs.mean_se, cs.var, cs.var_se);
    }

    if (cfg.per_trajectory_csv) {
      std::string csv = std::string("trajectory,sigma_nats,kernel_nats,noise_nats") +
                        (traj[m].exact.empty() ? "" : ",exact_nats") + "\n";
      for (size_t i = 0; i < traj[m].sigma.size(); ++i) {
        csv += fmt::format("{},{:.17g},{:.17g},{:.17g}", i, traj[m].sigma[i], traj[m].kernel[i], traj[m].noise[i]);
        if (!traj[m].exact.empty()) csv += fmt::format(",{:.17g}", traj[m].exact[i]);
        csv += '\n';
      }
      write_file(ctx.out_dir + "/taep_" + ms.name + ".csv", csv);
    }
    jm.push_back(r);
    ctx.log(fmt::format("  {:<24} <Sigma> = {:.5f} +- {:.5f}  Var = {:.5f} +- {:.5f}  <e^-Sigma> = {:.4f} +- {:.4f}",
                        ms.name, s.mean, s.mean_se, s.var, s.var_se, s.ift, s.ift_se));
    if (!field_line.empty()) ctx.log(field_line);
  }
  out["models"] = jm;
  out["report"] = {{"side_by_side", cfg.side_by_side}};

  // Series (for the severity plots) with the separated-mode analytic curves.
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
    // Analytic curve when every member is a collapse model of the uniform ring target with the same K:
    // over alpha if m is common, else over m at the common alpha.
    bool collapse_series = cfg.target_is_ring;
    for (auto* o : members) collapse_series &= o->collapse.has_value() && o->collapse_K == cfg.target.K();
    if (collapse_series && members.size() >= 2) {
      const int K = cfg.target.K();
      bool same_m = true, same_alpha = true;
      for (auto* o : members) {
        same_m &= o->collapse->first == members[0]->collapse->first;
        same_alpha &= std::abs(o->collapse->second - members[0]->collapse->second) < 1e-12;
      }
      json cx = json::array(), ckl = json::array(), cv = json::array();
      if (same_m) {
        sj["x_label"] = "alpha (weight of the collapsed modes relative to 1/K)";
        double lo = 1e300, hi = -1e300;
        for (auto* o : members) { lo = std::min(lo, o->collapse->second); hi = std::max(hi, o->collapse->second); }
        const int mm = members[0]->collapse->first;
        for (int i = 0; i <= 200; ++i) {
          const double a = lo * std::pow(hi / lo, i / 200.0);
          const Vec w = collapse_weights(K, mm, a);
          cx.push_back(a); ckl.push_back(kl_separated_uniform(w)); cv.push_back(relvar_separated_uniform(w));
        }
      } else if (same_alpha) {
        sj["x_label"] = "m (number of under-weighted modes)";
        const double a = members[0]->collapse->second;
        for (int mm = 0; mm < K; ++mm) {
          if (mm * a / K >= 1.0) break;
          const Vec w = collapse_weights(K, mm, a);
          cx.push_back(mm); ckl.push_back(kl_separated_uniform(w)); cv.push_back(relvar_separated_uniform(w));
        }
      }
      sj["curve"] = {{"x", cx}, {"kl_separated", ckl}, {"relvar_separated", cv},
                     {"label", "well-separated modes, T -> infinity (docs §2.5, eqs 53-55)"}};
    }
    if (!sj.contains("x_label")) sj["x_label"] = "x";
    series.push_back(sj);
  }
  out["series"] = series;
  out["timing_s"] = {{"taep_ensemble", taep_s}, {"sm_objective", sm_s}, {"exact_reference", exact_s},
                     {"dft", dft_s}, {"generated_samples", gen_s}, {"total", seconds_since(t_start)}};
  out["throughput"] = {{"trajectory_steps_per_s_per_model", double(cfg.trajectories) * cfg.steps * models.size() / taep_s}};
  return out;
}

}  // namespace td
