#include "experiments/likelihood_experiment.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/rng.hpp"
#include "core/stats.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/likelihood.hpp"
#include "score/uniform_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

// Held-out images ids 0..n-1 (drawn in whole lanes, the sampler's unit).
Mat test_images(const ImageSpec& data, uint64_t seed, int64_t n) {
  const int64_t np = (n + kLanes - 1) / kLanes * kLanes;
  std::vector<uint64_t> ids(static_cast<size_t>(np));
  for (int64_t i = 0; i < np; ++i) ids[size_t(i)] = uint64_t(i);
  Mat X;
  data.sampler({seed, Stream::Test})(ids.data(), int(np), X);
  return X.topRows(n);
}

// Per-sample NLLs summarized: total and per dimension [nats], bits/dim for 8-bit data.
json nll_json(const NllResult& r, const ImageSpec& data, double seconds) {
  const int D = data.pixels();
  Moments m, nfe, steps;
  int64_t incomplete = 0, nfe_max = 0;
  for (Eigen::Index i = 0; i < r.nll.size(); ++i) {
    m.add(r.nll[i]);
    nfe.add(double(r.nfe[size_t(i)]));
    steps.add(double(r.steps[size_t(i)]));
    incomplete += r.incomplete[size_t(i)];
    nfe_max = std::max(nfe_max, r.nfe[size_t(i)]);
  }
  json j = {{"mean", m.mean()}, {"se", m.mean_se()}, {"per_dim", m.mean() / D}, {"per_dim_se", m.mean_se() / D},
            {"samples", r.nll.size()}, {"nfe_mean", nfe.mean()}, {"nfe_max", nfe_max}, {"steps_mean", steps.mean()},
            {"incomplete", incomplete}, {"seconds", seconds}, {"samples_per_s", double(r.nll.size()) / seconds}};
  if (data.quantized()) {
    j["bits_per_dim"] = bits_per_dim(m.mean(), D);
    j["bits_per_dim_se"] = m.mean_se() / (D * std::log(2.0));
  }
  return j;
}

json curve_json(const RateCurve& c) {
  return {{"value", vec_json(c.value)}, {"se", vec_json(c.se)}, {"integral", c.integral.value},
          {"integral_se", c.integral.se}};
}

json rates_json(const EntropyRates& r) {
  json j = {{"t", vec_json(r.t)},
            {"intrinsic", curve_json(r.intrinsic)},
            {"exchange", curve_json(r.exchange)},
            {"exchange_z", curve_json(r.exchange_z)},
            {"system", curve_json(r.system)},
            {"forward", curve_json(r.forward)},
            {"ratio", vec_json(r.ratio)}};
  if (!r.score_error.value.empty()) j["score_error"] = curve_json(r.score_error);
  return j;
}

json bound_json(const LikelihoodBound& b, const ImageSpec& data) {
  const int D = data.pixels();
  json j = {{"S0", b.S0}, {"S1", b.S1}, {"value", b.bound.value}, {"se", b.bound.se}, {"clamped", b.clamped},
            {"per_dim", b.bound.value / D}, {"per_dim_se", b.bound.se / D}, {"clamped_per_dim", b.clamped / D}};
  if (data.quantized()) {
    j["bits_per_dim"] = bits_per_dim(b.bound.value, D);
    j["clamped_bits_per_dim"] = bits_per_dim(b.clamped, D);
  }
  return j;
}

// NLL, entropy rates and bound of one score on one (data, process); the gap decomposition when
// the exact score is given (and differs from `score`).
json measure(const LikelihoodConfig& cfg, const LikelihoodRun& run, const Process& process, const Score& score,
             const Score* exact, const Mat& X0, const RunContext& ctx, const char* label) {
  const int D = run.data.pixels();
  auto t0 = Clock::now();
  const NllResult nr = pf_ode_nll(process, score, X0, cfg.nll, gaussian_prior(process, D));
  const double nll_s = seconds_since(t0);
  t0 = Clock::now();
  const EntropyRates er = entropy_rates(process, score, run.data.sampler({cfg.seed, Stream::Test, 1}), cfg.rates, exact);
  const double rates_s = seconds_since(t0);
  const LikelihoodBound b = likelihood_bound(run.data.entropy(), prior_entropy(process, D), er.forward.integral);
  json j = {{"nll", nll_json(nr, run.data, nll_s)}, {"bound", bound_json(b, run.data)}, {"rates", rates_json(er)}};
  j["rates"]["seconds"] = rates_s;
  const double nll = j["nll"]["mean"].get<double>();
  const Estimate err = exact ? er.score_error.integral : Estimate{0, 0};
  const GapDecomposition g = decompose_gap(nll, b, prior_mismatch(process, D, run.data.second_moment()), err);
  j["gap"] = {{"value", g.gap}, {"se", std::hypot(j["nll"]["se"].get<double>(), b.bound.se)}, {"per_dim", g.gap / D},
              {"prior", g.prior}, {"score_error", g.score_error.value}, {"score_error_se", g.score_error.se},
              {"residual", g.residual}};
  int64_t incomplete = j["nll"]["incomplete"].get<int64_t>();
  ctx.log(fmt::format("  {:<12} NLL {:.4f} ± {:.4f} nats/dim (NFE {:.0f}{}), bound {:.4f} nats/dim, gap {:.4f} nats/dim "
                      "[NLL {:.1f} s, rates {:.1f} s]",
                      label, nll / D, j["nll"]["per_dim_se"].get<double>(),
                      j["nll"]["nfe_mean"].get<double>(), incomplete ? fmt::format(", {} incomplete", incomplete) : "",
                      b.bound.value / D, g.gap / D, nll_s, rates_s));
  return j;
}

json process_json(const LikelihoodRun& run, const Process& p) {
  const ProcessParams& q = run.process;
  json j = {{"name", run.process_name}, {"sigma", run.sigma}, {"description", p.describe()}, {"t_min", q.t_min},
            {"T", q.T}, {"prior_var", p.prior_var()}, {"sigma_T", p.sigma(q.T)}, {"alpha_T", p.alpha(q.T)}};
  if (q.kind == ProcessKind::VP) {
    j["beta_min"] = q.beta_min;
    j["beta_max"] = q.beta_max;
  } else {
    j["sigma_base"] = q.sigma_base;
  }
  return j;
}

}  // namespace

json run_likelihood_experiment(const LikelihoodConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  json out;
  out["experiment"] = "likelihood";
  out["title"] = cfg.title;
  out["seed"] = cfg.seed;
  out["threads"] = ctx.threads;
  out["likelihood"] = {{"solver", cfg.nll.solver == OdeSolver::RK4 ? "rk4" : "dopri5"}, {"rtol", cfg.nll.rtol},
                       {"atol", cfg.nll.atol}, {"rk4_steps", cfg.nll.rk4_steps}, {"max_steps", cfg.nll.max_steps},
                       {"hutchinson_probes", cfg.nll.hutchinson_probes}, {"samples", cfg.test_samples},
                       {"t_min", cfg.t_min}, {"T", cfg.T}};
  out["entropy_rates"] = {{"nodes", cfg.rates.nodes}, {"samples", cfg.rates.samples},
                          {"hutchinson_probes", cfg.rates.hutchinson_probes}};
  out["units"] = {{"nll", "nats (total); per_dim: nats/dim; bits_per_dim for 8-bit data"},
                  {"rates", "nats per unit time"}, {"integrals", "nats"}};
  out["models"] = json::array();
  std::vector<double> nll_pd, gap_pd;
  std::string best;
  double best_nll = INFINITY;
  for (const LikelihoodRun& run : cfg.runs) {
    const Process process(run.process);
    const int D = run.data.pixels();
    ctx.log(fmt::format("likelihood: {} — {}; {}", run.name, run.data.describe(), process.describe()));
    json m = {{"name", run.name},
              {"data", {{"kind", image_kind_name(run.data.kind)}, {"description", run.data.describe()}, {"D", D},
                        {"side", run.data.side}, {"S0", run.data.entropy()}, {"quantized", run.data.quantized()}}},
              {"process", process_json(run, process)}};
    json info;
    const auto score = train_mlp_score(run.name, run.mlp, run.train, process, run.data.sampler({cfg.seed, Stream::Data}),
                                       run.data.describe(), cfg.seed, ctx, info);
    m["training"] = info;
    m["network"] = {{"kind", "mlp"}, {"width", run.mlp.width}, {"hidden", run.mlp.hidden}, {"embed", run.mlp.embed},
                    {"prediction", prediction_name(run.mlp.prediction)}};
    const Mat X0 = test_images(run.data, cfg.seed, cfg.test_samples);
    const auto exact = run.data.exact_score(process);
    const json meas = measure(cfg, run, process, *score, exact.get(), X0, ctx, "trained:");
    m.update(meas);
    if (cfg.exact_references) m["exact"] = measure(cfg, run, process, *exact, nullptr, X0, ctx, "exact score:");
    nll_pd.push_back(m["nll"]["per_dim"].get<double>());
    gap_pd.push_back(m["gap"]["per_dim"].get<double>());
    if (run.data.kind == ImageKind::Uniform8 && run.process_name == "ve" && nll_pd.back() < best_nll) {
      best_nll = nll_pd.back();
      best = run.name;
    }
    out["models"].push_back(m);
  }
  if (nll_pd.size() >= 3) {
    out["correlation"] = {{"pearson", finite_or_null(pearson(nll_pd, gap_pd))},
                          {"spearman", finite_or_null(spearman(nll_pd, gap_pd))},
                          {"n", nll_pd.size()},
                          {"of", "NLL per dim against gap per dim, trained models"},
                          {"paper", {{"pearson", 0.694}, {"spearman", 0.882}}}};
  }
  if (!best.empty()) out["best_uniform_ve"] = best;
  out["timing_s"] = {{"total", seconds_since(t_start)}};
  return out;
}

}  // namespace td
