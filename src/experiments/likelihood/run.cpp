#include "experiments/likelihood/run.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>
#include <fmt/format.h>

#include "core/rng.hpp"
#include "core/stats.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/likelihood.hpp"
#include "experiments/models.hpp"
#include "score/dataset_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

// Every term of the NLL and of its bits/dim, and the Hutchinson settings (docs/likelihood.md#accounting):
// NLL = -ln pi(x_T) - int (div f - g^2/2 div s) dt; for 8-bit data, bits/dim = NLL/(D ln 2) + 8 -
// log2(width), a bound on the code length of the 8-bit values only with uniform dequantization.
json accounting_json(const NllResult& r, const Dataset& data, const NllOptions& o, bool dequantize) {
  const int D = data.dim;
  Moments prior, div, nll, probe;
  for (Eigen::Index i = 0; i < r.nll.size(); ++i) {
    prior.add(-r.log_prior[i]);
    div.add(-r.delta[i]);
    nll.add(r.nll[i]);
    if (std::isfinite(r.probe_var[i])) probe.add(r.probe_var[i]);
  }
  json j = {{"nll", nll.mean()},
            {"prior_term", {{"mean", prior.mean()}, {"se", prior.mean_se()}, {"what", "-ln pi(x_T): the prior's log-density at the ODE's end"}}},
            {"divergence_term", {{"mean", div.mean()}, {"se", div.mean_se()}, {"what", "-int (div f - g^2/2 div s) dt along the ODE"}}}};
  json h = {{"probes", o.hutchinson_probes}};
  if (o.hutchinson_probes > 0) {
    h["distribution"] = "rademacher";
    h["fixed_per_sample"] = true;  // drawn once per sample (seed, Hutchinson stream, sample id), held through the solve
    h["probe_variance"] = o.hutchinson_probes >= 2 ? json(probe.mean()) : json(nullptr);
    // Each sample's probe variance is part of the NLL's variance across samples (and so of its SE).
    h["probe_share_of_nll_variance"] =
        o.hutchinson_probes >= 2 && nll.variance() > 0 ? json(probe.mean() / nll.variance()) : json(nullptr);
    if (o.hutchinson_probes < 2) h["note"] = "one probe: its variance cannot be estimated (use hutchinson_probes >= 2)";
  } else {
    h["note"] = "exact divergence (no probes)";
  }
  j["hutchinson"] = h;
  if (!data.quantized) {
    j["dequantization"] = "none (not 8-bit data)";
    return j;
  }
  const double box = data.quant_width / 256;
  j["dequantization"] = dequantize ? "uniform" : "none";
  // Uniform noise over a box of side w/256 has entropy D ln(w/256): -ln P(k) <= NLL - that.
  j["dequantization_entropy"] = dequantize ? D * std::log(box) : 0.0;
  j["data_scaling"] = {{"offset", data.quant_offset}, {"width", data.quant_width},
                       {"bits_offset_per_dim", 8 - std::log2(data.quant_width)},
                       {"what", "x = offset + width (k + u)/256: bits/dim = NLL/(D ln 2) + 8 - log2(width)"}};
  j["bits_per_dim"] = data.bits_per_dim(nll.mean());
  j["is_code_length"] = dequantize;
  return j;
}

// Per-sample NLLs summarized: total and per dimension [nats], bits/dim for 8-bit data.
struct NllSummary {
  double mean = 0, se = 0, per_dim = 0, per_dim_se = 0;
  int64_t samples = 0, nfe_max = 0, incomplete = 0;
  double nfe_mean = 0, steps_mean = 0, seconds = 0;
  std::optional<double> bits_per_dim, bits_per_dim_se;  // 8-bit data
  std::optional<double> dt_error;                        // fixed-step RK4: Richardson's estimate
};

NllSummary summarize_nll(const NllResult& r, const Dataset& data, double seconds) {
  const int D = data.dim;
  Moments m, nfe, steps;
  NllSummary out;
  for (Eigen::Index i = 0; i < r.nll.size(); ++i) {
    m.add(r.nll[i]);
    nfe.add(double(r.nfe[size_t(i)]));
    steps.add(double(r.steps[size_t(i)]));
    out.incomplete += r.incomplete[size_t(i)];
    out.nfe_max = std::max(out.nfe_max, r.nfe[size_t(i)]);
  }
  out.mean = m.mean();
  out.se = m.mean_se();
  out.per_dim = m.mean() / D;
  out.per_dim_se = m.mean_se() / D;
  out.samples = r.nll.size();
  out.nfe_mean = nfe.mean();
  out.steps_mean = steps.mean();
  out.seconds = seconds;
  if (data.quantized) {
    out.bits_per_dim = data.bits_per_dim(m.mean());
    out.bits_per_dim_se = m.mean_se() / (D * std::log(2.0));
  }
  return out;
}

json nll_json(const NllSummary& n, const Dataset& data) {
  json j = {{"mean", n.mean}, {"se", n.se}, {"per_dim", n.per_dim}, {"per_dim_se", n.per_dim_se},
            {"samples", n.samples}, {"nfe_mean", n.nfe_mean}, {"nfe_max", n.nfe_max}, {"steps_mean", n.steps_mean},
            {"incomplete", n.incomplete}, {"seconds", n.seconds}, {"samples_per_s", double(n.samples) / n.seconds}};
  if (n.bits_per_dim) {
    j["bits_per_dim"] = *n.bits_per_dim;
    j["bits_per_dim_se"] = *n.bits_per_dim_se;
  }
  if (n.dt_error) {
    j["dt_error"] = *n.dt_error;
    j["per_dim_dt_error"] = *n.dt_error / data.dim;
  }
  return j;
}

// 8-bit data measured without dequantization: always said (the NLL of a density at the 8-bit values
// is not a code length), and loudly when its bits/dim fall below the data's entropy, which no code
// can (score_sde #24: "negative bits/dim without uniform noise").
void flag_undequantized(std::vector<std::string>& flags, const std::string& who, const Dataset& data, const NllSummary& nll,
                        bool dequantize) {
  if (!data.quantized || dequantize) return;
  const double bits = *nll.bits_per_dim, se = *nll.bits_per_dim_se;
  flags.push_back(fmt::format("{}: dequantize = \"none\": {:.4f} bits/dim is the density at the 8-bit values, not a code "
                              "length (use dequantize = \"uniform\")", who, bits));
  if (const std::optional<double> S0 = data.entropy(); S0 && bits + 4 * se < data.bits_per_dim(*S0))
    flags.push_back(fmt::format("{}: {:.4f} ± {:.4f} bits/dim is below the data's entropy, {:.4f} bits/dim: impossible for "
                                "a code length; the undequantized 8-bit values let the density grow without bound",
                                who, bits, se, data.bits_per_dim(*S0)));
}

// The rate options of one run: the configured nodes on the [grid] kind of its process.
EntropyRateOptions rate_options(const LikelihoodConfig& cfg, const Process& process) {
  EntropyRateOptions o = cfg.rates;
  const GridSpec g = cfg.grid.spec(process.kind(), o.nodes - 1, process.t_min());
  o.grid = g.kind;
  o.rho = g.rho;
  return o;
}

json rates_json(const EntropyRates& r) {
  json j = {{"t", vec_json(r.t)},
            {"intrinsic", rate_curve_json(r.intrinsic)},
            {"exchange", rate_curve_json(r.exchange)},
            {"exchange_z", rate_curve_json(r.exchange_z)},
            {"system", rate_curve_json(r.system)},
            {"forward", rate_curve_json(r.forward)},
            {"ratio", vec_json(r.ratio)}};
  if (!r.score_error.value.empty()) j["score_error"] = rate_curve_json(r.score_error);
  return j;
}

// The plug-in NLL (expectations over p_t) beside the true one (along the model's flow), and their
// difference: the plug-in error, the part of the gap the bound cannot see.
json plugin_json(const Estimate& plugin, double nll, double nll_se, const Dataset& data) {
  const double D = data.dim;
  json j = {{"value", plugin.value}, {"se", plugin.se}, {"per_dim", plugin.value / D}, {"per_dim_se", plugin.se / D},
            {"true_minus_plugin", nll - plugin.value}, {"true_minus_plugin_se", std::hypot(nll_se, plugin.se)},
            {"true_minus_plugin_per_dim", (nll - plugin.value) / D},
            {"meaning", "CE1 - int E[div f] dt + 1/2 int g^2 E_{p_t}[div s_theta] dt: the NLL integrand with expectations over "
                        "the data's forward marginals; the bound constrains this NLL, not the true one"}};
  if (data.quantized) j["bits_per_dim"] = data.bits_per_dim(plugin.value);
  return j;
}

json bound_json(const LikelihoodBound& b, const Dataset& data) {
  const int D = data.dim;
  json j = {{"S0", b.S0}, {"S1", b.S1}, {"value", b.bound.value}, {"se", b.bound.se}, {"clamped", b.clamped},
            {"per_dim", b.bound.value / D}, {"per_dim_se", b.bound.se / D}, {"clamped_per_dim", b.clamped / D}};
  if (data.quantized) {
    j["bits_per_dim"] = data.bits_per_dim(b.bound.value);
    j["clamped_bits_per_dim"] = data.bits_per_dim(b.clamped);
  }
  return j;
}

// Without the data entropy S0 (a points file, an image set) the bound NLL >= (S0 + S1)/2 - 1/2 int S_fwd
// reads the other way: it bounds the data's entropy by the model's NLL, S0 <= 2 NLL - S1 + int S_fwd.
struct S0Bound {
  double value = 0, se = 0, per_dim = 0;
};
S0Bound s0_upper_bound(const LikelihoodBound& b, double nll, double nll_se, const Dataset& data) {
  const double s0_max = 2 * nll - 2 * b.bound.value;  // b computed with S0 = 0
  return {s0_max, 2 * std::hypot(nll_se, b.bound.se), s0_max / data.dim};
}

json s0_bound_json(const LikelihoodBound& b, const S0Bound& s0) {
  return {{"S0", nullptr}, {"S1", b.S1}, {"value", nullptr}, {"without_S0", b.bound.value}, {"without_S0_se", b.bound.se},
          {"S0_upper", s0.value}, {"S0_upper_se", s0.se}, {"S0_upper_per_dim", s0.per_dim},
          {"note", "S0 of this data is unknown: NLL >= (S0 + S1)/2 - 1/2 int S_fwd dt bounds it, S0 <= 2 NLL - S1 + int S_fwd dt"}};
}

// What the models' comparison needs of one measurement (summarize, across models).
struct Measured {
  json j;  // its results.json record
  double nll_per_dim = 0;
  std::optional<double> gap_per_dim;  // where the data's entropy is known
};

// NLL, entropy rates and bound of one score on one (data, process); the gap decomposition when
// the data's entropy is known, with the score error when the exact score is given (and differs).
// Stages "nll" and "entropy_rates" (timed by `clock`, summed over models).
Measured measure(const LikelihoodConfig& cfg, const LikelihoodRun& run, const Process& process, const Score& score,
                 const Score* exact, const Mat& X0, const RunContext& ctx, const char* label, StageClock& clock) {
  std::vector<std::string> nll_flags;
  const std::string who = fmt::format("{} ({})", run.name, label);  // names a flag
  const Dataset& data = *run.data;
  const int D = data.dim;
  NllResult nr;
  NllSummary ns;
  EntropyRates er;
  double nll_s = 0, rates_s = 0;
  clock.run("nll", {"likelihood.samples"}, [&] {  // its statistics too: a failure there names this stage
    const auto t0 = Clock::now();
    nr = pf_ode_nll(process, score, X0, cfg.nll, gaussian_prior(process, D));
    nll_s = seconds_since(t0);
    ns = summarize_nll(nr, data, nll_s);
    if (cfg.nll.solver == OdeSolver::RK4 && cfg.nll.rk4_steps >= 2) {
      // Fixed steps: the same solve at twice the step (the same probes); RK4 is fourth order, so the
      // leading error of the value is (NLL(2h) - NLL(h)) / (2^4 - 1) (Richardson).
      NllOptions half = cfg.nll;
      half.rk4_steps = cfg.nll.rk4_steps / 2;
      const double coarse = pf_ode_nll(process, score, X0, half, gaussian_prior(process, D)).nll.mean();
      ns.dt_error = (coarse - nr.nll.mean()) / 15.0;
      flag_dt_error(nll_flags, fmt::format("{}: NLL per dim (RK4, {} steps)", who, cfg.nll.rk4_steps), ns.per_dim, ns.per_dim_se,
                    *ns.dt_error / D, "use more rk4_steps");
    }
  });
  flag_undequantized(nll_flags, who, data, ns, cfg.dequantize);
  const EntropyRateOptions ro = rate_options(cfg, process);
  clock.run("entropy_rates", {"entropy_rates.samples"}, [&] {
    const auto t0 = Clock::now();
    er = entropy_rates(process, score, data.sampler({cfg.seed, Stream::Test, 1}), ro, exact);
    rates_s = seconds_since(t0);
  });
  const std::optional<double> S0 = data.entropy();
  const LikelihoodBound b = likelihood_bound(S0.value_or(0.0), prior_entropy(process, D), er.forward.integral);
  Measured out;
  out.nll_per_dim = ns.per_dim;
  json& j = out.j;
  j = {{"nll", nll_json(ns, data)}, {"rates", rates_json(er)}};
  j["nll"]["accounting"] = accounting_json(nr, data, cfg.nll, cfg.dequantize);
  j["rates"]["seconds"] = rates_s;
  j["rates"]["grid"] = grid_record({ro.grid, ro.nodes - 1, ro.rho}, TimeGrid(er.t));  // the rates' nodes
  const double nll = ns.mean, nll_se = ns.se;
  const Estimate plugin = plugin_nll(process, D, prior_entropy(process, D) + prior_mismatch(process, D, data.second_moment()), er);
  // Quadrature errors of the rate integrals (docs/discretization.md#quadrature): the plug-in NLL
  // carries 1/2 int S_e, the bound -1/2 int S_fwd.
  const double plugin_dt = 0.5 * er.exchange.integral_dt, bound_dt = -0.5 * er.forward.integral_dt;
  j["nll_plugin"] = plugin_json(plugin, nll, nll_se, data);
  j["nll_plugin"]["dt_error"] = plugin_dt;
  j["nll_plugin"]["per_dim_dt_error"] = plugin_dt / D;
  // Flagged where it matters: in the comparisons the report draws (the bound against the plug-in
  // NLL, the bound or S0 against the NLL), whose SEs include the NLL's.
  const char* more_nodes = "use more [entropy_rates] nodes";
  const std::string head = fmt::format("  {:<12} NLL {:.4f} ± {:.4f} nats/dim (NFE {:.0f}{})", std::string(label) + ":", nll / D,
                                       ns.per_dim_se, ns.nfe_mean, ns.incomplete ? fmt::format(", {} incomplete", ns.incomplete) : "");
  if (!S0) {
    const S0Bound s0 = s0_upper_bound(b, nll, nll_se, data);
    j["bound"] = s0_bound_json(b, s0);
    j["bound"]["S0_upper_dt_error"] = -2 * bound_dt;
    flag_dt_error(nll_flags, fmt::format("{}: S0 upper bound per dim", who), s0.per_dim, s0.se / D, -2 * bound_dt / D, more_nodes);
    j["flags"] = nll_flags;
    j["gap"] = nullptr;
    ctx.log(fmt::format("{}, S0 <= {:.4f} nats/dim (data entropy unknown) [NLL {:.1f} s, rates {:.1f} s]", head, s0.per_dim,
                        nll_s, rates_s));
    return out;
  }
  j["bound"] = bound_json(b, data);
  j["bound"]["dt_error"] = bound_dt;
  j["bound"]["per_dim_dt_error"] = bound_dt / D;
  // The bound constrains the plug-in NLL (docs §3): its margin there, and whether it holds.
  const double margin = plugin.value - b.bound.value, margin_se = std::hypot(plugin.se, b.bound.se);
  j["bound"]["plugin_margin"] = margin;
  j["bound"]["plugin_margin_se"] = margin_se;
  const double margin_dt = plugin_dt - bound_dt, nll_dt = ns.dt_error.value_or(0.0);
  j["bound"]["plugin_margin_dt_error"] = margin_dt;
  // NLL_plugin - bound = (CE1 - S1)/2 + KL(p_T || pi)/2 + 1/4 int g^2 E|s_theta - s|^2 >= (CE1 - S1)/2:
  // a prior wider than p_T (CE1 < S1) lets the margin go negative by that much, and no further.
  const double prior = prior_mismatch(process, D, data.second_moment());
  j["bound"]["plugin_margin_floor"] = 0.5 * prior;
  j["bound"]["holds_for_plugin"] = margin - 0.5 * prior > -4 * std::hypot(margin_se, margin_dt);
  j["bound"]["holds_for_true_nll"] = nll - b.bound.value > -4 * std::hypot(std::hypot(nll_se, b.bound.se), nll_dt - bound_dt);
  flag_dt_error(nll_flags, fmt::format("{}: plug-in NLL - bound per dim", who), margin / D, margin_se / D, margin_dt / D,
                more_nodes);
  flag_dt_error(nll_flags, fmt::format("{}: NLL - bound per dim", who), (nll - b.bound.value) / D,
                std::hypot(nll_se, b.bound.se) / D, (nll_dt - bound_dt) / D, more_nodes);
  j["flags"] = nll_flags;
  const Estimate err = exact ? er.score_error.integral : Estimate{0, 0};
  const GapDecomposition g = decompose_gap(nll, b, prior, err);
  out.gap_per_dim = g.gap / D;
  j["gap"] = {{"value", g.gap}, {"se", std::hypot(nll_se, b.bound.se)}, {"dt_error", nll_dt - bound_dt}, {"per_dim", g.gap / D},
              {"prior", g.prior}, {"score_error", g.score_error.value}, {"score_error_se", g.score_error.se},
              {"residual", g.residual}};
  ctx.log(fmt::format("{}, bound {:.4f} nats/dim, gap {:.4f} nats/dim [NLL {:.1f} s, rates {:.1f} s]", head,
                      b.bound.value / D, g.gap / D, nll_s, rates_s));
  return out;
}

json process_json(const LikelihoodRun& run, const Process& p) {
  const ProcessParams& q = run.process;
  json j = process_record(p);
  j.update({{"name", run.process_name}, {"sigma", run.sigma}, {"prior_var", p.prior_var()}, {"sigma_T", p.sigma(q.T)},
            {"alpha_T", p.alpha(q.T)}});
  if (q.kind == ProcessKind::VP) {
    j["beta_min"] = q.beta_min;
    j["beta_max"] = q.beta_max;
  } else if (q.kind == ProcessKind::VESong) {
    j["sigma_base"] = q.sigma_base;
  } else if (q.kind == ProcessKind::VE || q.kind == ProcessKind::EDM) {
    j["sigma_min"] = q.sigma_min;
    j["sigma_max"] = q.sigma_max;
  }
  return j;
}

json data_json(const Dataset& d) {
  json j = {{"kind", d.synthetic ? image_kind_name(d.synthetic->kind) : data_kind_name(d.kind)},
            {"description", d.description}, {"D", d.dim}, {"S0", finite_or_null(d.entropy().value_or(NAN))},
            {"quantized", d.quantized}};
  if (d.synthetic) j["side"] = d.synthetic->side;
  return j;
}

json header_json(const LikelihoodConfig& cfg) {
  json out;
  out["likelihood"] = {{"solver", cfg.nll.solver == OdeSolver::RK4 ? "rk4" : "dopri5"}, {"rtol", cfg.nll.rtol},
                       {"atol", cfg.nll.atol}, {"rk4_steps", cfg.nll.rk4_steps}, {"max_steps", cfg.nll.max_steps},
                       {"hutchinson_probes", cfg.nll.hutchinson_probes}, {"samples", cfg.test_samples},
                       {"t_min", cfg.runs.front().process.t_min}, {"T", cfg.runs.front().process.T}};
  out["entropy_rates"] = {{"nodes", cfg.rates.nodes}, {"samples", cfg.rates.samples},
                          {"hutchinson_probes", cfg.rates.hutchinson_probes},
                          {"grid_kind", cfg.grid.kind ? grid_kind_name(*cfg.grid.kind) : "auto"}, {"rho", cfg.grid.rho}};
  out["units"] = {{"nll", "nats (total); per_dim: nats/dim; bits_per_dim for 8-bit data"},
                  {"rates", "nats per unit time"}, {"integrals", "nats"}};
  return out;
}

// One model on its (data, process): stage "model" (built, an MLP trained), then its NLL, rates and
// bound, and the data's exact score beside it when asked.
// The data's exact score measured beside the models, once per run: keyed by its data and process.
struct ExactReferences {
  std::vector<std::tuple<const Dataset*, ProcessParams, json>> done;
  const json* find(const Dataset* d, const ProcessParams& p) const {
    for (const auto& [dd, pp, j] : done)
      if (dd == d && pp == p) return &j;
    return nullptr;
  }
};

// What the exact reference is: the data's law, or for a points file or image set its empirical law.
std::string exact_label(const Dataset& data) {
  if (data.kind != DataKind::Points && data.kind != DataKind::Images) return "the data's exact score";
  return fmt::format("empirical law of the {} rows (memorizes them)", data.points->rows());
}

// One model on its (data, process): stage "model" (built, an MLP trained), then its NLL, rates and
// bound, and the data's exact score beside it when asked (measured for the first model of each data
// and process, then reused).
Measured measure_run(const LikelihoodConfig& cfg, const LikelihoodRun& run, const RunContext& ctx, StageClock& clock,
                     ExactReferences& references) {
  const Process process(run.process);
  const Dataset& data = *run.data;
  ctx.log(fmt::format("likelihood: {} — {}; {}", run.name, data.description, process.describe()));
  json m = {{"name", run.name}, {"data", data_json(data)}, {"process", process_json(run, process)}};
  std::shared_ptr<const Score> exact, score;
  clock.run("model", {"training.steps", "models.training.steps"}, [&] {
    json info;
    exact = exact_score(data, process);
    score = build_model(run.model, data, data.description, exact, process, cfg.seed, ctx, info);
    if (!info.is_null()) m["training"] = info;
  });
  if (run.model.network()) m["network"] = run.model.network_record();
  m["kind"] = run.model.kind();
  const RowSubset points = evaluation_points(data, cfg.seed, cfg.test_samples, cfg.dequantize);
  ctx.log(fmt::format("likelihood: the NLL on {}", points.what));
  m["evaluation"] = {{"points", points.X.rows()}, {"of", points.of > 0 ? json(points.of) : json(nullptr)},
                     {"all_rows", points.all}, {"what", points.what}};
  const bool is_exact = score == exact;
  Measured out = measure(cfg, run, process, *score, is_exact ? nullptr : exact.get(), points.X, ctx,
                         run.model.kind() == "mlp" ? "trained" : "model", clock);
  m.update(out.j);
  out.j = std::move(m);
  if (!cfg.exact_references || !exact || is_exact) return out;
  json& record = out.j;
  if (const json* done = references.find(run.data.get(), run.process)) {
    record["exact"] = *done;
    record["exact"]["same_as"] = done->value("measured_with", "");  // measured once, with that model
  } else {
    record["exact"] = measure(cfg, run, process, *exact, nullptr, points.X, ctx, "exact score", clock).j;
    record["exact"]["label"] = exact_label(data);
    record["exact"]["measured_with"] = run.name;
    references.done.emplace_back(run.data.get(), run.process, record["exact"]);
  }
  return out;
}

// Across models: NLL against gap (trained models, the paper's correlation) and the sweep's best run.
void summarize(const LikelihoodConfig& cfg, const std::vector<Measured>& models, json& out) {
  std::vector<double> nll_pd, gap_pd;
  std::string best;
  double best_nll = INFINITY;
  for (size_t i = 0; i < cfg.runs.size(); ++i) {
    const LikelihoodRun& run = cfg.runs[i];
    const Measured& m = models[i];
    if (m.gap_per_dim) {
      nll_pd.push_back(m.nll_per_dim);
      gap_pd.push_back(*m.gap_per_dim);
    }
    if (cfg.sweep && run.data->synthetic->kind == ImageKind::Uniform8 && run.process_name == "ve" && m.nll_per_dim < best_nll) {
      best_nll = m.nll_per_dim;
      best = run.name;
    }
  }
  if (nll_pd.size() >= 3) {
    const double pr = pearson(nll_pd, gap_pd), sr = spearman(nll_pd, gap_pd);
    const Interval pc = correlation_ci95(pr, nll_pd.size(), false), sc = correlation_ci95(sr, nll_pd.size(), true);
    out["correlation"] = {{"pearson", finite_or_null(pr)},
                          {"pearson_ci95", {finite_or_null(pc.lo), finite_or_null(pc.hi)}},
                          {"spearman", finite_or_null(sr)},
                          {"spearman_ci95", {finite_or_null(sc.lo), finite_or_null(sc.hi)}},
                          {"ci_method", "Fisher z; Spearman's variance 1.06/(n - 3) (Fieller, Hartley & Pearson 1957)"},
                          {"n", nll_pd.size()},
                          {"of", "NLL per dim against gap per dim, trained models"},
                          {"paper", {{"pearson", 0.694}, {"spearman", 0.882}}}};
  }
  if (!best.empty()) out["best_uniform_ve"] = best;
  std::vector<const json*> records;
  for (const json& m : out["models"]) {
    records.push_back(&m);
    if (m.contains("exact") && !m["exact"].contains("same_as")) records.push_back(&m["exact"]);  // a reused reference's flags are said once
  }
  out["flags"] = gathered_flags(records);
}

}  // namespace

json run_likelihood_experiment(const LikelihoodConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  StageClock clock;
  json out = header_json(cfg);
  out["models"] = json::array();
  ExactReferences references;
  std::vector<Measured> models;
  for (const LikelihoodRun& run : cfg.runs) {
    models.push_back(measure_run(cfg, run, ctx, clock, references));
    out["models"].push_back(std::move(models.back().j));  // the summary keeps only what it compares
  }
  clock.run("summary", {}, [&] { summarize(cfg, models, out); });
  out["timing_s"] = clock.record(t_start);
  return out;
}

}  // namespace td
