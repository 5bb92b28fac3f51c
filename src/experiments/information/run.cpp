#include "sim/edm_samplers.hpp"
#include "experiments/information/run.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/quadrature.hpp"
#include "data/mixture_posterior.hpp"
#include "data/points_file.hpp"
#include "experiments/models.hpp"
#include "observe/entropic_time.hpp"
#include "platform/platform.hpp"
#include "sim/ensemble.hpp"
#include "observe/pathwise_entropy.hpp"
#include "observe/speciation.hpp"
#include "score/mixture_kernels.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

json peak_json(const CurvePeak& p) {
  json j = {{"t", finite_or_null(p.t)}, {"height", finite_or_null(p.height)}, {"width", finite_or_null(p.width)}, {"at", p.at}};
  if (p.at != "interior") j["edge_t"] = finite_or_null(p.edge_t), j["edge_height"] = finite_or_null(p.edge_height);
  return j;
}

// A V_h curve; on a VP run its peak also as the nearest DDPM step (ddpm_step: -1 elsewhere).
json variance_json(const EntropyVariance& v, const Process& p) {
  json j = {{"t", vec_json(v.t)},     {"mean", vec_json(v.mean)},       {"mean_se", vec_json(v.mean_se)},
            {"var", vec_json(v.var)}, {"var_se", vec_json(v.var_se)}, {"peak", peak_json(v.peak)}, {"rule", v.rule}};
  if (std::isfinite(v.peak.t) && ddpm_step(p, v.peak.t) >= 0) j["peak"]["ddpm_step"] = ddpm_step(p, v.peak.t);
  if (!v.var_dt.empty()) j["mean_dt_error"] = vec_json(v.mean_dt), j["var_dt_error"] = vec_json(v.var_dt);
  return j;
}

// Flags of a curve (docs/discretization.md#flags): the nodes whose V_h has a discretization error
// above its standard error, said once with the worst of them. An error below 1e-9 of the curve's
// largest value is rounding, not discretization (committed paths: V_h and its SE ~ 1e-100).
std::vector<std::string> variance_flags(const char* what, const EntropyVariance& v) {
  size_t n = 0, worst = 0;
  double worst_ratio = 0, largest = 0;
  for (double x : v.var)
    if (std::isfinite(x)) largest = std::max(largest, std::abs(x));
  for (size_t i = 0; i < v.var_dt.size(); ++i)
    if (std::isfinite(v.var_dt[i]) && std::abs(v.var_dt[i]) > v.var_se[i] && std::abs(v.var_dt[i]) > 1e-9 * largest) {
      ++n;
      const double r = std::abs(v.var_dt[i]) / std::max(v.var_se[i], 1e-300);
      if (r > worst_ratio) worst_ratio = r, worst = i;
    }
  if (!n) return {};
  return {fmt::format("{}: V_h has a discretization error above its standard error at {} of {} times (worst t = {:.4g}: "
                      "V_h = {:.4g} +- {:.2g}, dt error {:.2g}); use more steps", what, n, v.var_dt.size(), v.t[worst],
                      v.var[worst], v.var_se[worst], v.var_dt[worst])};
}


std::vector<double> uniform(double a, double b, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(a + (b - a) * i / (n - 1));
  return t;
}

// Flags of the rate integrals (docs/discretization.md#quadrature) of the score called `who`.
void rate_flags(std::vector<std::string>& flags, const std::string& who, const ConditionalEntropyRates& r) {
  const std::pair<const char*, const RateCurve*> curves[] = {{"score norm", &r.score_norm}, {"divergence", &r.divergence},
      {"x0 error", &r.x0_error}, {"posterior variance", &r.posterior_var}, {"marginal", &r.marginal}};
  for (const auto& [name, c] : curves)
    if (!c->value.empty())
      flag_dt_error(flags, fmt::format("rates ({}): integral of the {} rate [nats]", who, name), c->integral.value,
                    c->integral.se, c->integral_dt, "use more [rates] nodes");
}

json rate_curves_json(const ConditionalEntropyRates& r) {
  return {{"score_norm", rate_curve_json(r.score_norm)}, {"divergence", rate_curve_json(r.divergence)},
          {"x0_error", rate_curve_json(r.x0_error)}, {"marginal", rate_curve_json(r.marginal)}, {"div", vec_json(r.div)},
          {"div_se", vec_json(r.div_se)}};
}

// The [[models]], each built (loaded, or trained) once, when the first section that measures it
// asks (a resumed run whose rates were saved builds them only for [pathwise]).
class RunModels {
 public:
  RunModels(const InformationConfig& c, const Process& p, std::shared_ptr<const MixtureScore> exact, const RunContext& ctx)
      : c_(c), p_(p), exact_(std::move(exact)), ctx_(ctx), scores_(c.models.size()), training_(c.models.size()) {}
  size_t size() const { return c_.models.size(); }
  const ModelSpec& spec(size_t i) const { return c_.models[i]; }
  const Score& score(size_t i) {
    if (!scores_[i])
      scores_[i] = build_model(c_.models[i], *c_.dataset, "the [data] distribution", exact_, p_, c_.seed, ctx_, training_[i]);
    return *scores_[i];
  }
  const json& training(size_t i) {
    score(i);
    return training_[i];
  }

 private:
  const InformationConfig& c_;
  const Process& p_;
  std::shared_ptr<const MixtureScore> exact_;
  const RunContext& ctx_;
  std::vector<std::shared_ptr<const Score>> scores_;
  std::vector<json> training_;
};

// Conditional-entropy rates of p_0's exact score and, beside them, of each of the [[models]] (its
// score norm, divergence and x0-prediction error: estimators that need no exact score).
json run_rates(const InformationConfig& c, const Process& p, const MixtureScore& s, RunModels& run_models) {
  const DataFn data = c.dataset->sampler({c.seed, Stream::Data});
  const ConditionalEntropyRates r = conditional_entropy_rates(p, s, data, *c.rates, &*c.data);
  std::vector<std::string> flags;
  rate_flags(flags, "exact score", r);
  json models = json::array();
  for (size_t i = 0; i < run_models.size(); ++i) {
    const ModelSpec& ms = run_models.spec(i);
    const Score& score = run_models.score(i);
    const json& training = run_models.training(i);
    ConditionalEntropyOptions o = *c.rates;
    o.hutchinson_probes = ms.network() ? ms.network()->hutchinson_probes : 0;
    o.spectrum_samples = 0;  // the Jacobian spectrum is the exact score's
    const ConditionalEntropyRates mr = conditional_entropy_rates(p, score, data, o);
    rate_flags(flags, ms.name, mr);
    json m = rate_curves_json(mr);
    m["name"] = ms.name;
    m["kind"] = ms.kind();
    if (ms.network()) m["network"] = ms.network_record();
    if (!training.is_null()) m["training"] = training;
    m["hutchinson_probes"] = o.hutchinson_probes;
    models.push_back(m);
  }
  json j = {{"nodes", c.rates->nodes}, {"grid", grid_record({c.rates->grid, c.rates->nodes - 1, c.rates->rho}, TimeGrid(r.t))},
            {"samples", c.rates->samples},
            {"t", vec_json(r.t)},            {"sigma_tilde", vec_json(r.sigma_tilde)},
            {"score_norm", rate_curve_json(r.score_norm)}, {"divergence", rate_curve_json(r.divergence)},
            {"posterior_var", rate_curve_json(r.posterior_var)}, {"x0_error", rate_curve_json(r.x0_error)},
            {"marginal", rate_curve_json(r.marginal)}, {"total", vec_json(r.total)},
            {"div", vec_json(r.div)},        {"div_se", vec_json(r.div_se)},
            {"fisher_trace", vec_json(r.fisher_trace)}, {"spectrum_samples", c.rates->spectrum_samples},
            {"flags", flags}};
  if (!models.empty()) j["models"] = models;
  if (r.spectrum.size()) {
    json sp = json::array();
    for (Eigen::Index k = 0; k < r.spectrum.rows(); ++k) sp.push_back(vec_json(RowVec(r.spectrum.row(k))));
    j["spectrum"] = sp;
  }
  return j;
}

json run_fixed_points(const InformationConfig& c, const Process& p) {
  const FixedPointTree tree = fixed_point_tree(*c.data, p, *c.fixed_points);
  json br = json::array(), merges = json::array();
  for (const FixedPointBranch& b : tree.branches) {
    json path = json::array();
    for (Eigen::Index i = 0; i < b.path.rows(); ++i) path.push_back(vec_json(RowVec(b.path.row(i))));
    br.push_back({{"members", b.members}, {"children", b.children}, {"parent", b.parent}, {"t_start", b.t_start},
                  {"t_end", b.t_end}, {"lambda_at_merge", finite_or_null(b.lambda_at_merge)}, {"t", vec_json(b.t)},
                  {"path", path}, {"lambda_max", vec_json(b.lambda_max)}});
    if (!b.children.empty()) merges.push_back({{"t", b.t_start}, {"members", b.members}});
  }
  json j = {{"nodes", c.fixed_points->nodes}, {"branches", br}, {"merges", merges}, {"unconverged", tree.unconverged}};
  if (c.data->dim() == 1) {
    // log p_t(x) on a grid for the figure's background (paper Fig. 1).
    const double lo = c.data->means.minCoeff() - 3 * std::sqrt(c.data->vars.maxCoeff() + 1.0),
                 hi = c.data->means.maxCoeff() + 3 * std::sqrt(c.data->vars.maxCoeff() + 1.0);
    const std::vector<double> xs = uniform(lo, hi, 160), ts = mixed_grid(p.t_min(), p.T(), 160);
    Mat X(160, 1);
    for (int i = 0; i < 160; ++i) X(i, 0) = xs[size_t(i)];
    json z = json::array();
    for (double t : ts) {
      Vec lp;
      mixture_eval_reference(c.data->marginal(p.alpha(t), p.sigma2(t)), X, nullptr, nullptr, &lp);
      z.push_back(vec_json(lp));
    }
    j["density"] = {{"x", xs}, {"t", ts}, {"log_p", z}};
  }
  return j;
}

// V_h along the generated paths of the exact score and of each of the [[models]] (the same noise, the
// steps the exact score's refinement reached), beside V_h over exact samples of p_t: where a model's
// paths commit to a component, against where the data's do.
json run_pathwise(const InformationConfig& c, const Process& p, const MixtureScore& s, RunModels& run_models,
                  const RunContext& ctx) {
  const PathwiseSpec& ps = *c.pathwise;
  const std::vector<double> times = make_grid(p, c.grid.spec(p.kind(), ps.nodes - 1, p.t_min())).times();
  const EntropyVariance fw = pathwise_entropy_forward(*c.data, p, times, ps.samples, c.seed);
  const GridSpec spec = c.grid.spec(p.kind(), ps.steps, p.t_min());
  Refinement rf;
  const GenerativeEntropy ge = refine_steps(c.grid, ps.steps, [&](int steps) {
    GridSpec sp = spec;
    sp.steps = steps;  // the recorded times stay nodes: every `steps / records`-th
    return pathwise_entropy_generative(*c.data, p, s, make_grid(p, sp), ps.generative_samples, std::max(1, steps / ps.records),
                                       ps.paths, c.seed, ps.scheme, true);
  }, [&](const GenerativeEntropy& g) {
    return dt_errors_small(g.v.var_dt, g.v.var_se) && dt_errors_small(g.v.mean_dt, g.v.mean_se);
  },
  rf);
  if (!ge.v.var.empty())
    ctx.log(fmt::format("  V_h(t_min): forward {:.5f} +- {:.5f}, generative ({}) {:.5f} +- {:.5f} (dt {:+.1e}) nats^2", fw.var[0],
                        fw.var_se[0], reverse_scheme_name(ps.scheme), ge.v.var[0], ge.v.var_se[0], ge.v.var_dt[0]));
  json px = json::array(), ph = json::array();
  for (Eigen::Index i = 0; i < ge.paths_x.rows(); ++i) {
    px.push_back(vec_json(RowVec(ge.paths_x.row(i))));
    ph.push_back(vec_json(RowVec(ge.paths_h.row(i))));
  }
  std::vector<std::string> flags = variance_flags("pathwise (generative)", ge.v);
  json models = json::array();
  GridSpec used = spec;
  used.steps = rf.used;
  for (size_t i = 0; i < run_models.size(); ++i) {
    const GenerativeEntropy mg = pathwise_entropy_generative(*c.data, p, run_models.score(i), make_grid(p, used),
                                                             ps.generative_samples, std::max(1, rf.used / ps.records), 0,
                                                             c.seed, ps.scheme, true);
    const std::string what = "pathwise (generative, " + run_models.spec(i).name + ")";
    for (std::string& f : variance_flags(what.c_str(), mg.v)) flags.push_back(std::move(f));
    models.push_back({{"name", run_models.spec(i).name}, {"generative", variance_json(mg.v, p)}});
  }
  json j = {{"forward", variance_json(fw, p)}, {"generative", variance_json(ge.v, p)},
            {"grid", grid_record(used, make_grid(p, used), &rf)},
            {"scheme", reverse_scheme_name(ps.scheme)}, {"flags", flags},
            {"samples", ps.samples}, {"generative_samples", ps.generative_samples},
            {"paths", {{"t", vec_json(ge.v.t)}, {"x", px}, {"h", ph}, {"axis", c.data->dim() == 1 ? "x" : "first principal axis"}}}};
  if (!models.empty()) j["models"] = models;
  return j;
}

json run_speciation(const SpeciationSpec& s) {
  json runs = json::array();
  for (double d : s.d) {
    const GaussianMixture g = speciation_mixture(d);
    const double tS = 0.5 * std::log(d), Lambda = covariance_top_eigenvalue(g);
    for (const char* kind : {"ou", "edm"}) {
      // OU: up to 3 ln-scale units past 1/2 ln d; EDM: up to 10 sqrt(d) (its peak moves as sqrt(d)).
      const double hi = kind[0] == 'o' ? std::max(1.5 * std::log(d), 3.0) : 10 * std::sqrt(d);
      const ProcessParams pp = process_on(parse_process_kind(kind), hi / s.nodes, hi);
      const EntropyVariance v = pathwise_entropy_quadrature(g, Process(pp), uniform(pp.t_min, hi, s.nodes), 96);
      runs.push_back({{"d", d}, {"process", kind}, {"t_S_half_ln_d", tS}, {"t_S_biroli", 0.5 * std::log(Lambda)},
                      {"t", vec_json(v.t)}, {"var", vec_json(v.var)}, {"mean", vec_json(v.mean)}, {"peak", peak_json(v.peak)}});
    }
  }
  return {{"runs", runs}, {"nodes", s.nodes},
          {"data", "1-D two-Gaussian mixture, means +-sqrt(4d/3), unit variances; V_h by quadrature (no sampling)"}};
}

json run_cloning(const InformationConfig& c, const RunContext& ctx) {
  const CloningSpec& s = *c.cloning;
  const Process p(process_on(ProcessKind::OU, s.t_min, s.T));
  const GridSpec spec = c.grid.spec(ProcessKind::OU, s.steps, s.t_min);
  json runs = json::array();
  std::vector<std::string> flags;
  for (int d : s.d) {
    const auto t0 = Clock::now();
    const GaussianMixture g = symmetric_pair(d);
    const MixtureScore score(g, p);
    const double tS = speciation_time(covariance_top_eigenvalue(g));
    CloningOptions o;
    o.samples = s.samples;
    o.branch_times = s.branch_times;
    o.seed = c.seed;
    o.scheme = s.scheme;
    o.dt_error = true;
    o.fused = ctx.platform->cloning_ensemble();  // a fused sample kernel (the same classes), or the blocks
    Refinement rf;
    const CloningResult r = refine_steps(c.grid, s.steps, [&](int steps) {
      GridSpec sp = spec;
      sp.steps = steps;
      return cloning_probability(g, p, score, make_grid(p, sp), o);
    }, [&](const CloningResult& x) { return dt_errors_small(x.phi_dt, x.phi_se); }, rf);
    std::vector<double> th;
    for (double t : r.t) th.push_back(cloning_theory_two_gaussians(p, std::sqrt(double(d)), 1.0, t));
    for (size_t j = 0; j < r.t.size(); ++j)
      flag_dt_error(flags, fmt::format("cloning d = {}: phi(t = {:.4g})", d, r.t[j]), r.phi[j], r.phi_se[j], r.phi_dt[j],
                    "use more steps");
    runs.push_back({{"d", d}, {"t_S", tS}, {"t", vec_json(r.t)}, {"phi", vec_json(r.phi)}, {"phi_se", vec_json(r.phi_se)},
                    {"phi_dt_error", vec_json(r.phi_dt)}, {"refinement", rf.json()},
                    {"theory", vec_json(th)}, {"theory_at_t_S", cloning_theory_two_gaussians(p, std::sqrt(double(d)), 1.0, tS)},
                    {"t_S_clock", ou_time_record(Process(c.process), tS)}, {"seconds", seconds_since(t0)}});
    ctx.log(fmt::format("  cloning d = {}: {:.1f} s", d, seconds_since(t0)));
  }
  return {{"runs", runs}, {"samples", s.samples}, {"grid", grid_record(spec, make_grid(p, spec))},
          {"scheme", reverse_scheme_name(s.scheme)}, {"flags", flags},
          {"data", "two Gaussians N(+-1, I), equal weights; t_S = 1/2 ln Lambda, Lambda = d + 1"}};
}

json run_collapse(const InformationConfig& c, const RunContext& ctx) {
  const CollapseSpec& s = *c.collapse;
  const Process p(default_process(ProcessKind::OU));
  json runs = json::array();
  for (int d : s.d) {
    const auto t0 = Clock::now();
    const Mat A = draw_dataset(symmetric_pair(d), {c.seed, Stream::Data}, s.P);
    const double tC = collapse_time_theory(1.0, d, s.P);
    const std::vector<double> t = uniform(tC * 3.0 / s.nodes, tC * 3.0, s.nodes);
    const CollapseResult r = excess_entropy(A, p, t, s.samples, c.seed, s.threshold, s.bootstrap);
    // The same definition computed exactly at this P and d (over data sets): the theory to compare with.
    const CollapseResult x = excess_entropy_finite(p, d, s.P, t, s.samples, c.seed, s.threshold, s.bootstrap);
    std::vector<double> th, rem;
    for (double x : t) {
      th.push_back(excess_entropy_theory(p, std::sqrt(double(d)), 1.0, d, s.P, x));
      rem.push_back(excess_entropy_rem(p, std::sqrt(double(d)), 1.0, d, s.P, x));
    }
    const double aP = std::log(double(s.P)) / d;
    runs.push_back({{"d", d}, {"P", s.P}, {"t", vec_json(t)}, {"fe", vec_json(r.fe)}, {"fe_se", vec_json(r.fe_se)},
                    {"theory", vec_json(th)}, {"theory_rem", vec_json(rem)}, {"t_collapse", finite_or_null(r.t_collapse)},
                    {"t_collapse_ci95", {finite_or_null(r.t_collapse_lo), finite_or_null(r.t_collapse_hi)}},
                    // the finite-d theory read at the same threshold (the like-for-like comparison)
                    // and the REM limit's zero (the d -> infinity value)
                    {"t_collapse_theory_finite_d", finite_or_null(crossing_from_above(t, th, s.threshold * aP))},
                    // the estimator's own definition at this P and d, exactly (docs/information.md#s5.5)
                    {"fe_exact", vec_json(x.fe)}, {"fe_exact_se", vec_json(x.fe_se)},
                    {"t_collapse_exact", finite_or_null(x.t_collapse)},
                    {"t_collapse_exact_ci95", {finite_or_null(x.t_collapse_lo), finite_or_null(x.t_collapse_hi)}},
                    {"t_collapse_theory", tC}, {"alpha_P", aP},
                    {"t_collapse_clock", ou_time_record(Process(c.process), r.t_collapse)}, {"seconds", seconds_since(t0)}});
    ctx.log(fmt::format("  collapse d = {}: {:.1f} s", d, seconds_since(t0)));
  }
  return {{"runs", runs}, {"samples", s.samples}, {"threshold", s.threshold}, {"bootstrap", s.bootstrap},
          {"data", fmt::format("P points of two Gaussians N(+-1, I); OU; t_C read where f^e falls to {} x alpha_P, "
                               "95% bootstrap interval over the samples", s.threshold)}};
}

// The entropic-time paper's 1-D test data: 15 points in [-3, 3] with positive weights (drawn once,
// uniformly, and written out here: they define the problem, so no run's seed may move them), as
// deltas and as Gaussians of std 0.1 at the same places.
GaussianMixture fifteen(bool gaussian) {
  static const double kPointWeight[15][2] = {
      {2.3405372025628877, 0.31494690894608507},
      {2.914171520581113, 0.55937756052422039},
      {-1.1519950276527064, 0.31492814926263851},
      {2.2535371949166274, 1.0893508228196627},
      {-0.30093274776795487, 0.46757030350414791},
      {2.0737558523660304, 0.86767748943563361},
      {0.72774647959898608, 1.0429724068148569},
      {2.0309877922813109, 0.28085380458571735},
      {1.2600951521230519, 0.33467050009483584},
      {-0.40818334272196544, 1.1364014159887206},
      {-1.2563176814304147, 0.89101075701572641},
      {1.9628087014012818, 0.22992987397809367},
      {0.57798142076666315, 0.88222760362859121},
      {0.077438762662672467, 1.1787933549709082},
      {2.3934614047394933, 0.40592995271352966},
  };
  GaussianMixture g;
  g.means = Mat(15, 1);
  g.weights = Vec(15);
  for (int k = 0; k < 15; ++k) g.means(k, 0) = kPointWeight[k][0], g.weights[k] = kPointWeight[k][1];
  g.weights /= g.weights.sum();
  g.vars = Mat::Constant(15, 1, gaussian ? 0.01 : 0.0);
  return g;
}

// KL(generated || true) of one schedule and sampler over the replicates: mean and SE, and the
// per-replicate values (for paired differences).
struct KlOverReplicates {
  Moments m;
  std::vector<double> each;
};
KlOverReplicates kl_over_replicates(const Score& score, const GaussianMixture& g, const std::vector<double>& sigmas,
                                    const EntropicTimeSpec& s, uint64_t seed, const EdmChurn& churn) {
  KlOverReplicates k;
  for (int r = 0; r < s.replicates; ++r) {
    k.each.push_back(kl_generated_to_true(sample_edm_heun(score, sigmas, s.samples, seed, churn, uint32_t(r)), g));
    k.m.add(k.each.back());
  }
  return k;
}

// Both schedules under one sampler at every step count: KL mean +- SE, and entropic - EDM paired
// by replicate (the same prior draws and churn noise for both schedules).
json compare_schedules(const Score& score, const GaussianMixture& g, const X0Error& err, const EntropicTimeSpec& s,
                       uint64_t seed, const EdmChurn& churn) {
  json j = {{"kl_edm", json::array()}, {"kl_edm_se", json::array()}, {"kl_entropic", json::array()},
            {"kl_entropic_se", json::array()}, {"diff", json::array()}, {"diff_se", json::array()}};
  for (int n : s.steps) {
    const KlOverReplicates e = kl_over_replicates(score, g, edm_sigmas(n, s.sigma_min, s.sigma_max, s.rho), s, seed, churn);
    const KlOverReplicates h = kl_over_replicates(score, g, entropic_schedule(err, n).sigmas, s, seed, churn);
    Moments diff;
    for (size_t r = 0; r < e.each.size(); ++r) diff.add(h.each[r] - e.each[r]);
    j["kl_edm"].push_back(e.m.mean()), j["kl_edm_se"].push_back(e.m.mean_se());
    j["kl_entropic"].push_back(h.m.mean()), j["kl_entropic_se"].push_back(h.m.mean_se());
    j["diff"].push_back(diff.mean()), j["diff_se"].push_back(diff.mean_se());
  }
  return j;
}

// The paper's claim as measured: at how many step counts the entropic schedule's KL is lower than
// EDM's by more than 2 SE of the paired difference, higher by more than 2 SE, or neither.
json claim_json(const json& cmp) {
  int better = 0, worse = 0, even = 0;
  for (size_t i = 0; i < cmp["diff"].size(); ++i) {
    const double d = cmp["diff"][i], se = cmp["diff_se"][i];
    (d < -2 * se ? better : d > 2 * se ? worse : even) += 1;
  }
  return {{"entropic_lower", better}, {"entropic_higher", worse}, {"within_2_se", even}};
}

json run_entropic_time(const InformationConfig& c) {
  const EntropicTimeSpec& s = *c.entropic_time;
  const Process p(process_on(ProcessKind::EDM, s.sigma_min, s.sigma_max));
  json runs = json::array();
  for (bool gaussian : {false, true}) {
    const GaussianMixture g = fifteen(gaussian);
    const MixtureScore score(g, p);
    std::vector<double> base = edm_sigmas(s.base_nodes, s.sigma_min, s.sigma_max, s.rho);
    std::reverse(base.begin(), base.end());
    const X0Error err = x0_prediction_error(score, mixture_data(g, {c.seed, Stream::Data}), base, s.mc_samples, c.seed);
    const int mid = s.steps[s.steps.size() / 2];
    const json sched = {{"n", mid}, {"edm", edm_sigmas(mid, s.sigma_min, s.sigma_max, s.rho)},
                        {"entropic", entropic_schedule(err, mid).sigmas}};
    json heun = compare_schedules(score, g, err, s, c.seed, EdmChurn{}), churn = compare_schedules(score, g, err, s, c.seed, s.churn);
    heun["claim"] = claim_json(heun);
    churn["claim"] = claim_json(churn);
    const EntropicSchedule full = entropic_schedule(err, 2);
    json run = {{"data", gaussian ? "15 Gaussians (std 0.1)" : "15 points"}, {"mixture", mixture_json(g)},
                {"steps", s.steps}, {"schedule", sched}, {"stochastic", churn},
                {"base_sigma", vec_json(err.sigma)}, {"eps2", vec_json(err.eps2)}, {"eps2_se", vec_json(err.eps2_se)},
                {"phi", vec_json(full.phi)}};
    run.update(heun);  // the deterministic sampler's KL at the top level
    runs.push_back(run);
  }
  return {{"runs", runs}, {"samples", s.samples}, {"replicates", s.replicates}, {"mc_samples", s.mc_samples},
          {"base_nodes", s.base_nodes},
          {"sampler", "deterministic Heun (EDM Algorithm 1), final Euler step to sigma = 0"},
          {"stochastic_sampler", fmt::format("EDM Algorithm 2: Heun with churn S_churn = {}, S_tmin = {}, S_tmax = {}, "
                                             "S_noise = {}", s.churn.churn, s.churn.t_min, s.churn.t_max, s.churn.noise)},
          {"claim", "entropic_lower / entropic_higher: step counts where the paired KL difference (entropic - EDM) is "
                    "below / above -+2 SE over the replicates"},
          {"kl", "plug-in KL(generated || true): Voronoi cells of the points, or 400 histogram bins over the range +- 5 std"}};
}

}  // namespace

json run_information_experiment(const InformationConfig& c, const RunContext& ctx) {
  const auto t0 = Clock::now();
  json out = json::object();
  StageClock clock;
  const Process p(c.process);
  out["process"] = process_record(p);
  std::shared_ptr<const MixtureScore> s;
  if (c.data) {
    // The law in full when it is small (a ring, a mixture, a few points); its size otherwise.
    out["data"] = int64_t(c.data->K()) * c.data->dim() <= 20000 ? mixture_json(*c.data)
                                                                 : json{{"K", c.data->K()}, {"d", c.data->dim()}};
    out["data"]["description"] = c.dataset->description;
    out["data"]["entropy_rule"] = posterior_entropy_rule_name(posterior_entropy_rule(*c.data));
    const double L = covariance_top_eigenvalue(*c.data);
    out["data"]["covariance_top_eigenvalue"] = L;
    out["data"]["t_S"] = speciation_time(L);  // Biroli et al.'s, in OU time
    out["data"]["t_S_clock"] = ou_time_record(p, speciation_time(L));  // and in the run's own
    s = std::make_shared<MixtureScore>(*c.data, p);
  }
  auto timed = [&](const char* name, const StageSizes& sizes, const std::function<json()>& fn) {
    clock.section(ctx, name, sizes, out, fn);
  };
  std::unique_ptr<RunModels> models;
  clock.run("models", {"models.training.steps"}, [&] { models = std::make_unique<RunModels>(c, p, s, ctx); });
  if (c.rates) timed("rates", {"rates.samples", "rates.spectrum_samples"}, [&] { return run_rates(c, p, *s, *models); });
  if (c.fixed_points) timed("fixed_points", {}, [&] { return run_fixed_points(c, p); });
  if (c.pathwise)
    timed("pathwise", {"pathwise.samples", "pathwise.generative_samples"}, [&] { return run_pathwise(c, p, *s, *models, ctx); });
  if (c.speciation) timed("speciation", {}, [&] { return run_speciation(*c.speciation); });
  if (c.cloning) timed("cloning", {"cloning.samples"}, [&] { return run_cloning(c, ctx); });
  if (c.cloning && ctx.platform->cloning_ensemble()) out["device"]["cloning"] = ctx.platform->name() + " (fused sample kernel)";
  if (c.collapse) timed("collapse", {"collapse.samples"}, [&] { return run_collapse(c, ctx); });
  if (c.entropic_time)
    timed("entropic_time", {"entropic_time.samples", "entropic_time.mc_samples"}, [&] { return run_entropic_time(c); });
  if (c.speciation_data)
    timed("speciation_time", {}, [&] {
      const Dataset& data = *c.speciation_data;
      // The covariance of the law when it is known (a mixture), else of the set's points.
      const double L = data.kind == DataKind::Mixture ? covariance_top_eigenvalue(*data.law) : covariance_top_eigenvalue(*data.points);
      json j = {{"data", data.description}, {"d", data.dim}, {"covariance_top_eigenvalue", L}, {"t_S", speciation_time(L)},
                {"t_S_clock", ou_time_record(p, speciation_time(L))},
                {"definition", "t_S = 1/2 ln Lambda (Biroli et al.) in OU time; t_S_clock: the run's process time at the "
                               "same noise level sigma~ = sqrt(Lambda - 1)"}};
      if (data.points) j["n"] = data.points->rows();
      return j;
    });
  std::vector<const json*> sections;
  for (const char* section : {"rates", "pathwise", "cloning"})
    if (out.contains(section)) sections.push_back(&out[section]);
  out["flags"] = gathered_flags(sections);
  out["timing_s"] = clock.record(t0);
  return out;
}

}  // namespace td
