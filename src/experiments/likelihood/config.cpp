#include "experiments/likelihood/config.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/header_config.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/model_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

double vp_beta_max_for(double rho, double beta_min, double T) {
  // -ln alpha(T) = beta_min T / 2 + (beta_max - beta_min) T^2 / 4 and sigma^2/alpha^2 = alpha^-2 - 1.
  const double target = 0.5 * std::log1p(rho * rho);
  return beta_min + 4.0 * (target - 0.5 * beta_min * T) / (T * T);
}

namespace {

std::string fmt_sigma(double s) { return s == std::floor(s) ? fmt::format("{}", int64_t(s)) : fmt::format("{}", s); }


// The sweep, data-major: every (data, process, sigma), an MLP on synthetic images.
void expand_sweep(LikelihoodConfig& c, const std::string& file) {
  for (ImageKind k : c.datasets)
    for (const std::string& pn : c.processes)
      for (double s : c.sigmas) {
        LikelihoodRun run;
        ImageSpec images = c.images;
        images.kind = k;
        images.validate(file + " [images]");
        run.data = std::make_shared<const Dataset>(synthetic_dataset(images));
        run.process_name = pn;
        run.sigma = s;
        ProcessParams ve = default_process(ProcessKind::VESong);
        ve.sigma_base = s;
        ve.t_min = c.t_min;
        ve.T = c.T;
        if (pn == "ve") {
          run.process = ve;
        } else {
          const Process pv(ve);
          ProcessParams vp = default_process(ProcessKind::VP);
          vp.beta_min = c.beta_min;
          vp.beta_max = vp_beta_max_for(pv.sigma(c.T), c.beta_min, c.T);
          vp.t_min = c.t_min;
          vp.T = c.T;
          if (!(vp.beta_max >= vp.beta_min))
            throw InputError(fmt::format("{}: [sweep] sigma = {}: the matched VP schedule needs beta_max = {:.4g} < beta_min = {} "
                                         "(lower beta_min)", file, s, vp.beta_max, vp.beta_min));
          run.process = vp;
        }
        run.name = fmt::format("{}-{}-s{}", image_kind_name(k), pn, fmt_sigma(s));
        run.model.name = run.name;
        MlpModel net;
        net.mlp = c.mlp_defaults;
        net.mlp.d = images.pixels();
        net.train = c.train_defaults;
        net.net.prediction = c.mlp_defaults.prediction;
        run.model.body = net;
        c.runs.push_back(run);
      }
}

// [sweep] and [images]: the sigma sweep over synthetic image sets, every key defaulted.
void read_sweep(ConfigReader& r, LikelihoodConfig& c) {
  ConfigReader s = r.section("sweep", "the runs: every sigma x process x data (instead of [data] and [[models]])");
  c.sigmas = s.numbers("sigma", c.sigmas, "VE base sigma (> 1) of each run (VP runs match its terminal SNR)");
  s.require(!c.sigmas.empty(), "sigma", "needs at least one value");
  for (double v : c.sigmas) s.require(v > 1 && v <= 1e6, "sigma", fmt::format("values must be in (1, 1e6] (got {})", v));
  c.processes = s.strings("process", c.processes,
      "ve: Song's VE, g = sigma^t, sigma(t)^2 = (sigma^(2t) - 1)/(2 ln sigma); vp: linear beta from beta_min, beta_max set so that sigma(T)/alpha(T) equals the VE run's sigma(T) (a sweep of terminal SNR for both)");
  s.require(!c.processes.empty(), "process", "needs at least one of \"ve\", \"vp\"");
  for (const auto& p : c.processes) s.require(p == "ve" || p == "vp", "process", fmt::format("'{}' is not ve or vp", p));
  std::vector<std::string> names;
  for (ImageKind k : c.datasets) names.push_back(image_kind_name(k));
  c.datasets.clear();
  for (const auto& d : s.strings("data", names,
      "uniform8: 8-bit pixels k ~ U{0..255} dequantized x = (k + u)/256 (U[0,1)^D, S0 = 0 = 8 bits/dim); gaussian: pixels N(mean, std^2)")) {
    try {
      c.datasets.push_back(parse_image_kind(d));
    } catch (const InputError& e) {
      s.fail("data", e.what());
    }
  }
  s.require(!c.datasets.empty(), "data", "needs at least one of \"uniform8\", \"gaussian\"");
  c.t_min = s.number("t_min", c.t_min, "start of the ODE and rate interval [t]");
  c.T = s.number("T", c.T, "end of the interval [t]");
  c.beta_min = s.number("beta_min", c.beta_min, "VP's beta_min [1/t]");
  s.require(c.t_min > 0 && c.t_min < 0.5, "t_min", "must be in (0, 0.5)");
  s.require(c.T > c.t_min && c.T <= 1, "T", "must be in (t_min, 1]");
  s.require(c.beta_min > 0, "beta_min", "must be > 0");
  s.finish();

  ConfigReader im = r.section("images", "{ side, gaussian_mean, gaussian_std }");
  c.images.side = im.int32("side", c.images.side, "image side; D = side^2 pixels");
  c.images.mean = im.number("gaussian_mean", c.images.mean, "pixel mean of the gaussian data");
  c.images.std = im.number("gaussian_std", c.images.std, "pixel std of the gaussian data");
  im.require(c.images.side >= 1 && c.images.side <= 64, "side", "must be in [1, 64]");
  im.require(c.images.std > 0, "gaussian_std", "must be > 0");
  im.finish();
}

// [process] + [data] + [[models]]: every model on the one data set and process.
std::vector<LikelihoodRun> read_explicit_runs(ConfigReader& r, LikelihoodConfig& c) {
  const ProcessParams process = read_process(r.section("process",
      "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"));
  ConfigReader d = r.table("data",
      "the data the models are measured on: points file, image set (test_files: held out), mixture, synthetic images");
  auto data = std::make_shared<const Dataset>(read_data(d, DataRules{}, c.seed)->data);
  d.finish();
  c.mlp_defaults.d = data->dim;
  const std::vector<ModelSpec> models =
      read_models(r, *data, c.mlp_defaults, c.train_defaults, ModelRules{.default_probes = default_network_probes(data->dim)}, c.seed);
  std::vector<LikelihoodRun> runs;
  for (const ModelSpec& m : models) {
    LikelihoodRun run;
    run.name = m.name;
    run.data = data;
    run.process_name = process_kind_name(process.kind);
    run.process = process;
    run.model = m;
    runs.push_back(run);
  }
  return runs;
}

// [likelihood] and [entropy_rates]: the estimators, whose defaults depend on the data (read first).
void read_estimators(ConfigReader& r, LikelihoodConfig& c) {
  // The divergence: exact where the data's dimension is small (a network's exact trace costs D
  // passes, and up to D = 64 the lower variance is worth it: docs/likelihood.md#defaults); above,
  // two probes, the fewest that estimate the variance the probes add to the NLL.
  const int D = c.sweep ? c.images.pixels() : c.runs.front().data->dim;
  c.nll.hutchinson_probes = D <= kExactDivergenceDim ? 0 : 2;
  c.rates.hutchinson_probes = D <= kExactDivergenceDim ? 0 : 1;
  // The data's exact score beside every model only where the data's law is known: a points file's or
  // an image set's "exact score" is its empirical law, which memorizes the rows.
  c.exact_references = c.sweep || (c.runs.front().data->kind != DataKind::Points && c.runs.front().data->kind != DataKind::Images);
  {
    ConfigReader l = r.section("likelihood", "NLL by the probability-flow ODE");
    c.test_samples = l.integer("samples", c.test_samples,
        "points per model the NLL is measured on: a points file's or image set's (held-out) rows, all of them or a "
        "random subset of this many, or this many fresh draws of the data's law");
    l.require(c.test_samples >= 2 && c.test_samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    const std::string solver = l.string("solver", "dopri5",
        "dopri5 (adaptive, per-sample step control) or rk4 (fixed steps)");
    l.require(solver == "dopri5" || solver == "rk4", "solver", "must be \"dopri5\" (adaptive) or \"rk4\" (fixed step)");
    c.nll.solver = solver == "rk4" ? OdeSolver::RK4 : OdeSolver::DormandPrince;
    c.nll.rtol = l.number("rtol", c.nll.rtol, "dopri5 relative tolerance");
    c.nll.atol = l.number("atol", c.nll.atol, "dopri5 absolute tolerance");
    c.nll.max_steps = l.integer("max_steps", c.nll.max_steps,
        "dopri5 step budget per sample (out of budget: flagged incomplete)");
    c.nll.rk4_steps = l.int32("rk4_steps", c.nll.rk4_steps, "rk4 steps");
    c.nll.hutchinson_probes = l.int32("hutchinson_probes", c.nll.hutchinson_probes,
        "Rademacher probes per divergence of the NLL, fixed per sample (0 = exact divergence, the default up to D = 64; "
        "else 2, the fewest that estimate the probe variance)");
    const std::string deq = l.string("dequantize", "uniform",
        "8-bit data: uniform (the NLL of x + U(box), a code-length bound) or none (the 8-bit values themselves: not a code length)");
    l.require(deq == "uniform" || deq == "none", "dequantize", "must be \"uniform\" or \"none\"");
    c.dequantize = deq == "uniform";
    c.exact_references = l.boolean("exact_references", c.exact_references,
        "also measure the data's exact score, once per run (default: where the data's law is known: mixtures, rings, "
        "Gaussian and uniform images; a points file's or image set's is its empirical law, which memorizes the rows)");
    l.require(c.nll.rtol > 0 && c.nll.rtol < 1, "rtol", "must be in (0, 1)");
    l.require(c.nll.atol > 0 && c.nll.atol < 1, "atol", "must be in (0, 1)");
    l.require(c.nll.max_steps >= 1, "max_steps", "must be >= 1");
    l.require(c.nll.rk4_steps >= 1 && c.nll.rk4_steps <= 1000000, "rk4_steps", "must be in [1, 10^6]");
    l.require(c.nll.hutchinson_probes >= 0 && c.nll.hutchinson_probes <= 1024, "hutchinson_probes",
               "must be in [0, 1024] (0 = exact divergence, 1 + D network passes)");
    l.finish();
  }
  c.rates.nodes = 120;
  c.rates.samples = 1000;
  {
    ConfigReader e = r.section("entropy_rates", "entropy-rate profile on the nodes of a [grid] of the run's process");
    c.rates.nodes = e.int32("nodes", c.rates.nodes, "grid nodes (kind: [grid])");
    c.rates.samples = e.int32("samples", c.rates.samples, "samples of p_t per node");
    c.rates.hutchinson_probes = e.int32("hutchinson_probes", c.rates.hutchinson_probes,
        "Rademacher probes per divergence of the entropy rates (0 = exact divergence, the default up to D = 64; else 1)");
    e.require(c.rates.nodes >= 4 && c.rates.nodes <= 100000, "nodes", "must be in [4, 10^5]");
    e.require(c.rates.samples >= 2 && c.rates.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    e.require(c.rates.hutchinson_probes >= 0 && c.rates.hutchinson_probes <= 1024, "hutchinson_probes", "must be in [0, 1024]");
    e.finish();
  }
  c.nll.seed = c.rates.seed = c.seed;
  c.grid = read_grid_shape(r, "the entropy rates' nodes");
}

}  // namespace

LikelihoodConfig parse_likelihood_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  LikelihoodConfig c;
  const ConfigHeader h = read_header(r, "likelihood",
      "Likelihood, entropy rates and the thermodynamic bound (Kodama & Hinczewski)");
  c.title = h.title;
  c.seed = h.seed;

  c.sweep = r.has("sweep") || r.has("images");
  const bool explicit_form = r.has("data") || r.has("models") || r.has("process");
  if (c.sweep && explicit_form)
    r.fail(r.has("data") ? "data" : r.has("models") ? "models" : "process",
           "give either the sigma sweep ([sweep], [images]) or [process], [data] and [[models]], not both");
  if (!c.sweep && !explicit_form)
    r.fail("data",
        "missing: give [data] and [[models]] (the NLL of your models on your data) or [sweep] (the sigma sweep)");
  if (c.sweep) read_sweep(r, c);

  c.mlp_defaults.d = c.images.pixels();
  {
    ConfigReader a = r.section("mlp", "the network of every MLP model (d = the data's dimension)");
    c.mlp_defaults = read_mlp(a, c.mlp_defaults);
  }
  c.train_defaults.seed = c.seed;
  {
    ConfigReader tr = r.section("training", "training of every MLP model");
    c.train_defaults = read_training(tr, c.train_defaults, true);
  }

  if (!c.sweep) c.runs = read_explicit_runs(r, c);
  read_estimators(r, c);
  r.finish();
  if (c.sweep) expand_sweep(c, file);

  c.resolved = r.resolved();  // the config as read, every default written out
  return c;
}

}  // namespace td
