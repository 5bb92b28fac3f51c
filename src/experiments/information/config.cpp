#include "experiments/information/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/model_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

InformationConfig parse_information_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  InformationConfig c;
  r.require(r.string("experiment") == "information", "experiment", "must be \"information\" here");
  c.title = r.string("title", "Information dynamics of generation");
  const int64_t seed = r.integer("seed", 1);
  r.require(seed >= 0, "seed", "must be >= 0");
  c.seed = uint64_t(seed);
  c.process = default_process(ProcessKind::OU);
  if (r.has("process")) c.process = read_process(r.table("process"));
  if (auto d = r.optional_table("data")) {
    c.dataset = read_data(*d, DataRules{.need_law = true}, c.seed)->data;
    c.data = *c.dataset->law;
    d->finish();
  }
  auto need_data = [&](const char* key) {
    r.require(c.data.has_value(), key, "needs [data] (the mixture whose exact score it analyses)");
  };
  if (auto t = r.optional_table("rates")) {
    need_data("rates");
    ConditionalEntropyOptions o;
    o.nodes = int(t->integer("nodes", 120));
    o.samples = int(t->integer("samples", 4000));
    o.spectrum_samples = int(t->integer("spectrum_samples", 0));
    t->require(o.nodes >= 2 && o.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(o.samples >= 2 && o.samples <= 1 << 26, "samples", "must be in [2, 2^26]");
    t->require(o.spectrum_samples >= 0 && o.spectrum_samples <= o.samples, "spectrum_samples", "must be in [0, samples]");
    t->require(o.spectrum_samples == 0 || c.data->dim() <= 512, "spectrum_samples", "needs d <= 512 (a dense eigensolve per sample)");
    o.seed = c.seed;
    t->finish();
    c.rates = o;
  }
  if (r.has("models")) {
    r.require(c.rates.has_value(), "models", "are measured by [rates]: add that table");
    MlpSpec mlp;
    mlp.d = c.data->dim();
    if (auto a = r.optional_table("mlp")) mlp = read_mlp(*a, mlp);
    TrainSpec train;
    if (auto tr = r.optional_table("training")) train = read_training(*tr, train, true);
    c.models = read_models(r, *c.dataset, mlp, train, ModelRules{.default_probes = 1, .max_probes = 64}, c.seed);
  }
  if (auto t = r.optional_table("fixed_points")) {
    need_data("fixed_points");
    FixedPointOptions o;
    o.nodes = int(t->integer("nodes", o.nodes));
    t->require(o.nodes >= 2 && o.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(c.data->K() <= 2000, "nodes", "the data has more than 2000 components (the tree is quadratic in them)");
    t->finish();
    c.fixed_points = o;
  }
  if (auto t = r.optional_table("pathwise")) {
    need_data("pathwise");
    PathwiseSpec s;
    s.nodes = int(t->integer("nodes", s.nodes));
    s.samples = int(t->integer("samples", s.samples));
    s.generative_samples = int(t->integer("generative_samples", s.generative_samples));
    s.steps = int(t->integer("steps", s.steps));
    s.records = int(t->integer("records", s.records));
    s.paths = int(t->integer("paths", s.paths));
    t->require(s.nodes >= 2 && s.nodes <= 100000, "nodes", "must be in [2, 100000]");
    t->require(s.samples >= 2 && s.samples <= 1 << 26, "samples", "must be in [2, 2^26]");
    t->require(s.generative_samples >= 2 && s.generative_samples <= 1 << 26, "generative_samples", "must be in [2, 2^26]");
    t->require(s.steps >= 1 && s.steps <= 1000000, "steps", "must be in [1, 10^6]");
    t->require(s.records >= 1 && s.records <= s.steps, "records", "must be in [1, steps]");
    t->require(s.paths >= 0 && s.paths <= std::min(s.generative_samples, 100), "paths", "must be in [0, min(generative_samples, 100)]");
    t->finish();
    c.pathwise = s;
  }
  if (auto t = r.optional_table("speciation")) {
    SpeciationSpec s;
    s.d = t->numbers("d", s.d);
    s.nodes = int(t->integer("nodes", s.nodes));
    t->require(!s.d.empty() && s.d.size() <= 20, "d", "needs 1 to 20 values");
    for (double v : s.d)
      t->require(v > 1 && v <= 1e8, "d", fmt::format("values must be in (1, 1e8] (got {}; t_S = 1/2 ln d must be > 0)", v));
    t->require(s.nodes >= 10 && s.nodes <= 100000, "nodes", "must be in [10, 100000]");
    t->finish();
    c.speciation = s;
  }
  if (auto t = r.optional_table("cloning")) {
    CloningSpec s;
    s.d = t->integers("d", s.d, 1, 1 << 20);
    s.samples = int(t->integer("samples", s.samples));
    s.steps = int(t->integer("steps", s.steps));
    s.t_min = t->number("t_min", s.t_min);
    s.T = t->number("T", s.T);
    for (double b = 1.0; b <= s.T + 1e-9; b += 0.5) s.branch_times.push_back(b);
    s.branch_times = t->numbers("branch_times", s.branch_times);
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
  if (auto t = r.optional_table("collapse")) {
    CollapseSpec s;
    s.d = t->integers("d", s.d, 1, 1 << 20);
    s.P = int(t->integer("P", s.P));
    s.samples = int(t->integer("samples", s.samples));
    s.nodes = int(t->integer("nodes", s.nodes));
    t->require(!s.d.empty(), "d", "needs at least one value");
    t->require(s.P >= 2 && s.P <= 1 << 22, "P", "must be in [2, 2^22]");
    t->require(s.samples >= 2 && s.samples <= 1 << 20, "samples", "must be in [2, 2^20]");
    t->require(s.nodes >= 4 && s.nodes <= 10000, "nodes", "must be in [4, 10000]");
    t->finish();
    c.collapse = s;
  }
  if (auto t = r.optional_table("entropic_time")) {
    EntropicTimeSpec s;
    s.steps = t->integers("steps", s.steps, 2, 100000);
    s.samples = int(t->integer("samples", s.samples));
    s.base_nodes = int(t->integer("base_nodes", s.base_nodes));
    s.mc_samples = int(t->integer("mc_samples", s.mc_samples));
    s.sigma_min = t->number("sigma_min", s.sigma_min);
    s.sigma_max = t->number("sigma_max", s.sigma_max);
    s.rho = t->number("rho", s.rho);
    t->require(!s.steps.empty(), "steps", "needs at least one value");
    t->require(s.samples >= 2 && s.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    t->require(s.base_nodes >= 4 && s.base_nodes <= 100000, "base_nodes", "must be in [4, 10^5]");
    t->require(s.mc_samples >= 2 && s.mc_samples <= 1 << 24, "mc_samples", "must be in [2, 2^24]");
    t->require(s.sigma_min > 0 && s.sigma_max > s.sigma_min, "sigma_max", "need 0 < sigma_min < sigma_max");
    t->require(s.rho > 0, "rho", "must be > 0");
    t->finish();
    c.entropic_time = s;
  }
  if (auto t = r.optional_table("speciation_time")) {
    c.speciation_data = read_data(*t, DataRules{}, c.seed)->data;
    t->finish();
  }
  r.require(c.rates || c.fixed_points || c.pathwise || c.speciation || c.cloning || c.collapse || c.entropic_time ||
                c.speciation_data.has_value(),
            "experiment",
            "names no analysis: add at least one of [rates], [fixed_points], [pathwise], [speciation], [cloning], [collapse], "
            "[entropic_time], [speciation_time]");
  r.finish();
  c.resolved = root;
  return c;
}

}  // namespace td
