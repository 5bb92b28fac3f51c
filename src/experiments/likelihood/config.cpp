#include "experiments/likelihood/config.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
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
        NetworkModelSpec net;
        net.mlp = c.mlp_defaults;
        net.mlp.d = images.pixels();
        net.train = c.train_defaults;
        net.prediction = c.mlp_defaults.prediction;
        run.model.network = net;
        c.runs.push_back(run);
      }
}

// [process] + [data] + [[models]]: every model on the one data set and process.
std::vector<LikelihoodRun> read_explicit_runs(ConfigReader& r, LikelihoodConfig& c) {
  const ProcessParams process = r.has("process") ? read_process(r.table("process")) : default_process(ProcessKind::VP);
  ConfigReader d = r.table("data");
  auto data = std::make_shared<const Dataset>(read_data(d, DataRules{}, c.seed)->data);
  d.finish();
  c.mlp_defaults.d = data->dim;
  const std::vector<ModelSpec> models =
      read_models(r, *data, c.mlp_defaults, c.train_defaults, ModelRules{.default_probes = 1}, c.seed);
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

}  // namespace

LikelihoodConfig parse_likelihood_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  LikelihoodConfig c;
  const std::string experiment = r.string("experiment");
  r.require(experiment == "likelihood", "experiment", "must be \"likelihood\" here");
  c.title = r.string("title", "Likelihood, entropy rates and the thermodynamic bound (Kodama & Hinczewski)");
  const int64_t seed = r.integer("seed", 1);
  r.require(seed >= 0, "seed", "must be >= 0");
  c.seed = uint64_t(seed);

  c.sweep = r.has("sweep") || r.has("images");
  const bool explicit_form = r.has("data") || r.has("models") || r.has("process");
  if (c.sweep && explicit_form)
    r.fail(r.has("data") ? "data" : r.has("models") ? "models" : "process",
           "give either the sigma sweep ([sweep], [images]) or [process], [data] and [[models]], not both");
  if (!c.sweep && !explicit_form)
    r.fail("data", "missing: give [data] and [[models]] (the NLL of your models on your data) or [sweep] (the sigma sweep)");
  if (auto s = r.optional_table("sweep")) {
    c.sigmas = s->numbers("sigma", c.sigmas);
    s->require(!c.sigmas.empty(), "sigma", "needs at least one value");
    for (double v : c.sigmas) s->require(v > 1 && v <= 1e6, "sigma", fmt::format("values must be in (1, 1e6] (got {})", v));
    c.processes = s->strings("process", c.processes);
    s->require(!c.processes.empty(), "process", "needs at least one of \"ve\", \"vp\"");
    for (const auto& p : c.processes) s->require(p == "ve" || p == "vp", "process", fmt::format("'{}' is not ve or vp", p));
    if (s->has("data")) {
      c.datasets.clear();
      for (const auto& d : s->strings("data")) {
        try {
          c.datasets.push_back(parse_image_kind(d));
        } catch (const InputError& e) {
          s->fail("data", e.what());
        }
      }
    }
    s->require(!c.datasets.empty(), "data", "needs at least one of \"uniform8\", \"gaussian\"");
    c.t_min = s->number("t_min", c.t_min);
    c.T = s->number("T", c.T);
    c.beta_min = s->number("beta_min", c.beta_min);
    s->require(c.t_min > 0 && c.t_min < 0.5, "t_min", "must be in (0, 0.5)");
    s->require(c.T > c.t_min && c.T <= 1, "T", "must be in (t_min, 1]");
    s->require(c.beta_min > 0, "beta_min", "must be > 0");
    s->finish();
  }
  if (auto im = r.optional_table("images")) {
    c.images.side = int(im->integer("side", c.images.side));
    c.images.mean = im->number("gaussian_mean", c.images.mean);
    c.images.std = im->number("gaussian_std", c.images.std);
    im->require(c.images.side >= 1 && c.images.side <= 64, "side", "must be in [1, 64]");
    im->require(c.images.std > 0, "gaussian_std", "must be > 0");
    im->finish();
  }
  c.nll.hutchinson_probes = 1;  // D = 64 pixels: the exact trace would cost 65 network passes
  if (auto l = r.optional_table("likelihood")) {
    c.test_samples = l->integer("samples", c.test_samples);
    l->require(c.test_samples >= 2 && c.test_samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    const std::string solver = l->string("solver", "dopri5");
    l->require(solver == "dopri5" || solver == "rk4", "solver", "must be \"dopri5\" (adaptive) or \"rk4\" (fixed step)");
    c.nll.solver = solver == "rk4" ? OdeSolver::RK4 : OdeSolver::DormandPrince;
    c.nll.rtol = l->number("rtol", c.nll.rtol);
    c.nll.atol = l->number("atol", c.nll.atol);
    c.nll.max_steps = l->integer("max_steps", c.nll.max_steps);
    c.nll.rk4_steps = int(l->integer("rk4_steps", c.nll.rk4_steps));
    c.nll.hutchinson_probes = int(l->integer("hutchinson_probes", c.nll.hutchinson_probes));
    c.exact_references = l->boolean("exact_references", c.exact_references);
    l->require(c.nll.rtol > 0 && c.nll.rtol < 1, "rtol", "must be in (0, 1)");
    l->require(c.nll.atol > 0 && c.nll.atol < 1, "atol", "must be in (0, 1)");
    l->require(c.nll.max_steps >= 1, "max_steps", "must be >= 1");
    l->require(c.nll.rk4_steps >= 1 && c.nll.rk4_steps <= 1000000, "rk4_steps", "must be in [1, 10^6]");
    l->require(c.nll.hutchinson_probes >= 0 && c.nll.hutchinson_probes <= 1024, "hutchinson_probes",
               "must be in [0, 1024] (0 = exact divergence, 1 + D network passes)");
    l->finish();
  }
  c.rates.nodes = 60;
  c.rates.samples = 1000;
  c.rates.hutchinson_probes = 1;
  if (auto e = r.optional_table("entropy_rates")) {
    c.rates.nodes = int(e->integer("nodes", c.rates.nodes));
    c.rates.samples = int(e->integer("samples", c.rates.samples));
    c.rates.hutchinson_probes = int(e->integer("hutchinson_probes", c.rates.hutchinson_probes));
    e->require(c.rates.nodes >= 4 && c.rates.nodes <= 100000, "nodes", "must be in [4, 10^5]");
    e->require(c.rates.samples >= 2 && c.rates.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    e->require(c.rates.hutchinson_probes >= 0 && c.rates.hutchinson_probes <= 1024, "hutchinson_probes", "must be in [0, 1024]");
    e->finish();
  }
  c.nll.seed = c.rates.seed = c.seed;

  c.mlp_defaults.d = c.images.pixels();
  if (auto a = r.optional_table("mlp")) c.mlp_defaults = read_mlp(*a, c.mlp_defaults);
  c.train_defaults.seed = c.seed;
  if (auto tr = r.optional_table("training")) c.train_defaults = read_training(*tr, c.train_defaults, true);

  if (c.sweep) {
    r.finish();
    expand_sweep(c, file);
  } else {
    c.runs = read_explicit_runs(r, c);
    r.finish();
  }

  c.resolved = root;
  c.resolved.insert_or_assign("seed", int64_t(c.seed));
  c.resolved.insert_or_assign("title", c.title);
  if (c.sweep) {
    toml::array sig, pro, dat;
    for (double s : c.sigmas) sig.push_back(s);
    for (const auto& p : c.processes) pro.push_back(p);
    for (ImageKind k : c.datasets) dat.push_back(image_kind_name(k));
    c.resolved.insert_or_assign("sweep", toml::table{{"sigma", sig}, {"process", pro}, {"data", dat}, {"t_min", c.t_min},
                                                     {"T", c.T}, {"beta_min", c.beta_min}});
    c.resolved.insert_or_assign("images", toml::table{{"side", c.images.side}, {"gaussian_mean", c.images.mean},
                                                      {"gaussian_std", c.images.std}});
  }
  c.resolved.insert_or_assign(
      "likelihood", toml::table{{"samples", c.test_samples},
                                {"solver", c.nll.solver == OdeSolver::RK4 ? "rk4" : "dopri5"},
                                {"rtol", c.nll.rtol}, {"atol", c.nll.atol}, {"max_steps", c.nll.max_steps},
                                {"rk4_steps", c.nll.rk4_steps}, {"hutchinson_probes", c.nll.hutchinson_probes},
                                {"exact_references", c.exact_references}});
  c.resolved.insert_or_assign("entropy_rates", toml::table{{"nodes", c.rates.nodes}, {"samples", c.rates.samples},
                                                           {"hutchinson_probes", c.rates.hutchinson_probes}});
  c.resolved.insert_or_assign("mlp", mlp_table(c.mlp_defaults));
  c.resolved.insert_or_assign("training", training_table(c.train_defaults));
  return c;
}

}  // namespace td
