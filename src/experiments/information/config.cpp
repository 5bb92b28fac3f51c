#include "experiments/information/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/grid_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/model_config.hpp"
#include "experiments/network_config.hpp"

namespace td {


InformationConfig parse_information_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  InformationConfig c;
  const ConfigHeader h = read_header(r, "information", "Information dynamics of generation");
  c.title = h.title;
  c.seed = h.seed;
  c.process = default_process(ProcessKind::OU);
  c.process = read_process(r.section("process",
      "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"), ProcessKind::OU);
  c.grid = read_grid_shape(r, "rates' nodes, pathwise times and reverse steps, cloning's reverse steps", std::nullopt, true);
  if (auto d = r.optional_table("data",
      "p_0: ring, mixture, points = { file, std }, file, or an image set (kind) as its empirical law (std); feeds rates, fixed_points, pathwise")) {
    c.dataset = read_data(*d, DataRules{.need_law = true}, c.seed)->data;
    c.data = *c.dataset->law;
    d->finish();
  }
  auto need_data = [&](const char* key) {
    r.require(c.data.has_value(), key, "needs [data] (the mixture whose exact score it analyses)");
  };
  if (auto t = r.optional_table("rates",
      "conditional entropy rates dH[x0|x_t]/dt [nats/t] by score norm, divergence, posterior variance, x0 error")) {
    need_data("rates");
    ConditionalEntropyOptions o;
    o.nodes = t->int32("nodes", 120, "grid nodes (kind: [grid])");
    o.samples = t->int32("samples", 4000, "samples of p_t per node");
    o.spectrum_samples = t->int32("spectrum_samples", 0,
        "points per node for the Jacobian spectrum (d <= 512; 0 = none)");
    t->require(o.nodes >= 2 && o.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(o.samples >= 2 && o.samples <= 1 << 26, "samples", "must be in [2, 2^26]");
    t->require(o.spectrum_samples >= 0 && o.spectrum_samples <= o.samples, "spectrum_samples", "must be in [0, samples]");
    t->require(o.spectrum_samples == 0 || c.data->dim() <= 512, "spectrum_samples",
        "needs d <= 512 (a dense eigensolve per sample)");
    o.seed = c.seed;
    const GridSpec g = c.grid.spec(c.process.kind, o.nodes - 1, c.process.t_min);
    o.grid = g.kind, o.rho = g.rho;
    t->finish();
    c.rates = o;
  }
  if (auto t = r.optional_table("fixed_points", "fixed-point tree of the exact score (merge times, lambda_max)")) {
    need_data("fixed_points");
    FixedPointOptions o;
    o.nodes = t->int32("nodes", o.nodes, "continuation grid nodes");
    t->require(o.nodes >= 2 && o.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(c.data->K() <= 2000, "nodes", "the data has more than 2000 components (the tree is quadratic in them)");
    t->finish();
    c.fixed_points = o;
  }
  if (auto t = r.optional_table("pathwise", "pathwise entropy V_h(t) = Var H[p(x0|x_t)] [nats^2]")) {
    need_data("pathwise");
    PathwiseSpec s;
    s.nodes = t->int32("nodes", s.nodes, "forward times on [t_min, T] (kind: [grid])");
    s.samples = t->int32("samples", s.samples, "exact forward samples per time");
    s.generative_samples = t->int32("generative_samples", s.generative_samples,
        "reverse-SDE paths of the exact score, and of each of the [[models]]");
    s.steps = t->int32("steps", s.steps, "reverse-SDE steps (kind: [grid])");
    s.records = t->int32("records", s.records, "recorded times along the reverse paths");
    s.paths = t->int32("paths", s.paths, "example paths kept for the figure");
    s.scheme = read_reverse_scheme(*t, s.scheme);
    t->require(s.nodes >= 2 && s.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(s.samples >= 2 && s.samples <= 1 << 26, "samples", "must be in [2, 2^26]");
    t->require(s.generative_samples >= 2 && s.generative_samples <= 1 << 26, "generative_samples", "must be in [2, 2^26]");
    t->require(s.steps >= 1 && s.steps <= 1000000, "steps", "must be in [1, 10^6]");
    t->require(s.records >= 1 && s.records <= s.steps, "records", "must be in [1, steps]");
    t->require(s.paths >= 0 && s.paths <= std::min(s.generative_samples, 100), "paths",
        "must be in [0, min(generative_samples, 100)]");
    t->finish();
    c.pathwise = s;
  }
  if (r.has("models")) {
    r.require(c.rates.has_value() || c.pathwise.has_value(), "models",
              "are measured by [rates] (entropy rates) and [pathwise] (V_h along their generated paths): add one");
    MlpSpec mlp;
    mlp.d = c.data->dim();
    if (auto a = r.optional_table("mlp",
        "defaults for every mlp model { width, hidden, embed, prediction }")) mlp = read_mlp(*a, mlp);
    TrainSpec train;
    if (auto tr = r.optional_table("training",
        "defaults for every mlp model's training (checkpoint only per model)")) train = read_training(*tr, train, true);
    c.models = read_models(r, *c.dataset, mlp, train, ModelRules{.default_probes = default_network_probes(c.dataset->dim), .max_probes = 64}, c.seed);
  }
  if (auto t = r.optional_table("speciation", "V_h by quadrature for the 1-D mixture +-sqrt(4d/3), OU and EDM")) {
    SpeciationSpec s;
    s.d = t->numbers("d", s.d, "dimensions d (> 1)");
    s.nodes = t->int32("nodes", s.nodes, "time nodes");
    t->require(!s.d.empty() && s.d.size() <= 20, "d", "needs 1 to 20 values");
    for (double v : s.d)
      t->require(v > 1 && v <= 1e8, "d", fmt::format("values must be in (1, 1e8] (got {}; t_S = 1/2 ln d must be > 0)", v));
    t->require(s.nodes >= 10 && s.nodes <= 100000, "nodes", "must be in [10, 100000]");
    t->finish();
    c.speciation = s;
  }
  if (auto t = r.optional_table("cloning", "Biroli's cloning probability phi(t) on N(+-1, I)")) {
    CloningSpec s;
    s.d = t->integers("d", s.d, 1, 1 << 20, "dimensions");
    s.samples = t->int32("samples", s.samples, "main paths");
    s.steps = t->int32("steps", s.steps, "reverse steps (kind: [grid]; auto: OU's default)");
    s.t_min = t->number("t_min", s.t_min, "end of the reverse paths [t]");
    s.T = t->number("T", s.T, "start of the reverse paths [t]");
    for (double b = 1.0; b <= s.T + 1e-9; b += 0.5) s.branch_times.push_back(b);
    s.branch_times = t->numbers("branch_times", s.branch_times, "times at which a clone branches off [t]");
    s.scheme = read_reverse_scheme(*t, s.scheme);
    t->require(!s.d.empty(), "d", "needs at least one value");
    t->require(s.samples >= 2 && s.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    t->require(s.steps >= 1 && s.steps <= 1000000, "steps", "must be in [1, 10^6]");
    t->require(s.t_min > 0 && s.T > s.t_min, "T", "need 0 < t_min < T");
    t->require(!s.branch_times.empty(), "branch_times", "needs at least one value");
    for (double b : s.branch_times)
      t->require(b >= s.t_min && b <= s.T, "branch_times", fmt::format("{} is outside [t_min, T]", b));
    t->finish();
    c.cloning = s;
  }
  if (auto t = r.optional_table("collapse", "excess entropy f^e(t) of P training points against the REM theory")) {
    CollapseSpec s;
    s.d = t->integers("d", s.d, 1, 1 << 20, "dimensions");
    s.P = t->int32("P", s.P, "training points");
    s.samples = t->int32("samples", s.samples, "samples per time node");
    s.nodes = t->int32("nodes", s.nodes, "time nodes on (0, 3 t_C]");
    s.threshold = t->number("threshold", s.threshold,
        "t_C is read where f^e, coming down, falls to threshold x alpha_P (alpha_P = ln P / d)");
    s.bootstrap = t->int32("bootstrap", s.bootstrap, "bootstrap resamplings for t_C's 95% interval (0: none)");
    t->require(s.threshold > 0 && s.threshold < 1, "threshold", fmt::format("must be in (0, 1) (got {})", s.threshold));
    t->require(s.bootstrap >= 0 && s.bootstrap <= 100000, "bootstrap", "must be in [0, 100000]");
    t->require(!s.d.empty(), "d", "needs at least one value");
    t->require(s.P >= 2 && s.P <= 1 << 22, "P", "must be in [2, 2^22]");
    t->require(s.samples >= 2 && s.samples <= 1 << 20, "samples", "must be in [2, 2^20]");
    t->require(s.nodes >= 4 && s.nodes <= 10000, "nodes", "must be in [4, 10000]");
    t->finish();
    c.collapse = s;
  }
  if (auto t = r.optional_table("entropic_time",
      "entropic vs EDM schedules with the Heun sampler, KL(generated || true) on 1-D mixtures")) {
    EntropicTimeSpec s;
    s.steps = t->integers("steps", s.steps, 2, 100000, "noise levels compared");
    s.samples = t->int32("samples", s.samples, "generated samples per schedule");
    s.base_nodes = t->int32("base_nodes", s.base_nodes, "EDM base grid for eps^2(sigma)");
    s.mc_samples = t->int32("mc_samples", s.mc_samples, "Monte Carlo samples per base node");
    s.sigma_min = t->number("sigma_min", s.sigma_min, "smallest noise level");
    s.sigma_max = t->number("sigma_max", s.sigma_max, "largest noise level");
    s.rho = t->number("rho", s.rho, "EDM schedule exponent");
    s.replicates = t->int32("replicates", s.replicates, "independent sample sets per point: KL as mean +- SE over them");
    s.churn.churn = t->number("churn", s.churn.churn, "S_churn of the stochastic sampler (EDM Algorithm 2)");
    s.churn.t_min = t->number("churn_sigma_min", s.churn.t_min, "S_tmin: churn only at sigma >= this");
    s.churn.t_max = t->number("churn_sigma_max", s.churn.t_max, "S_tmax: churn only at sigma <= this");
    s.churn.noise = t->number("churn_noise", s.churn.noise, "S_noise: the churn noise's inflation");
    t->require(s.replicates >= 2 && s.replicates <= 1000, "replicates", "must be in [2, 1000] (an SE needs two)");
    t->require(s.churn.churn > 0 && s.churn.churn <= 1000, "churn", "must be in (0, 1000]");
    t->require(s.churn.t_min >= 0 && s.churn.t_max > s.churn.t_min, "churn_sigma_max", "need 0 <= churn_sigma_min < churn_sigma_max");
    t->require(s.churn.noise > 0 && s.churn.noise <= 2, "churn_noise", "must be in (0, 2]");
    t->require(!s.steps.empty(), "steps", "needs at least one value");
    t->require(s.samples >= 2 && s.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    t->require(s.base_nodes >= 4 && s.base_nodes <= 100000, "base_nodes", "must be in [4, 10^5]");
    t->require(s.mc_samples >= 2 && s.mc_samples <= 1 << 24, "mc_samples", "must be in [2, 2^24]");
    t->require(s.sigma_min > 0 && s.sigma_max > s.sigma_min, "sigma_max", "need 0 < sigma_min < sigma_max");
    t->require(s.rho > 0, "rho", "must be > 0");
    t->finish();
    c.entropic_time = s;
  }
  if (auto t = r.optional_table("speciation_time",
      "t_S = 1/2 ln Lambda of any data table's covariance (a points file, an image set, a mixture)")) {
    c.speciation_data = read_data(*t, DataRules{}, c.seed)->data;
    const Dataset& sd = *c.speciation_data;
    if (sd.kind != DataKind::Mixture && sd.points)
      t->require(sd.points->rows() >= 2, t->has("file") ? "file" : t->has("points") ? "points" : "kind",
                 fmt::format("{} has {} point(s); a covariance needs at least 2", sd.description, sd.points->rows()));
    t->finish();
  }
  r.require(c.rates || c.fixed_points || c.pathwise || c.speciation || c.cloning || c.collapse || c.entropic_time ||
                c.speciation_data.has_value(),
            "experiment",
            "names no analysis: add at least one of [rates], [fixed_points], [pathwise], [speciation], [cloning], [collapse], "
            "[entropic_time], [speciation_time]");
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td