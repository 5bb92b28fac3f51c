#include "experiments/case_config.hpp"

#include <fmt/format.h>

#include "experiments/data_config.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/network_config.hpp"
#include "experiments/model_kinds/network_model.hpp"

namespace td {
namespace {

// `name`: the default name of an entry of [[cases]]; empty for the root's [data] + [[models]] ("data").
DataCase read_case(ConfigReader& r, const std::string& name, const MlpSpec& mlp_defaults, const TrainSpec& train,
                   uint64_t seed) {
  DataCase k;
  ConfigReader d = r.table("data", "the data of this case: mixture, ring, manifold, points file, image set (docs/config.md#data)");
  k.data = std::make_shared<const Dataset>(read_data(d, DataRules{}, seed)->data);
  d.finish();
  k.name = name.empty() ? "data" : r.string("name", name, "the case's name (results, exported files)");
  MlpSpec mlp = mlp_defaults;
  mlp.d = k.data->dim;
  k.models = read_models(r, *k.data, mlp, train, ModelRules{.default_probes = default_network_probes(k.data->dim)}, seed);
  return k;
}

}  // namespace

std::vector<DataCase> read_cases(ConfigReader& r, const MlpSpec& mlp, const TrainSpec& train, uint64_t seed) {
  std::vector<DataCase> cases;
  if (!r.has("cases")) {
    cases.push_back(read_case(r, "", mlp, train, seed));
    return cases;
  }
  if (r.has("data") || r.has("models")) r.fail("cases", "give either [[cases]] (each with data and models) or [data] and [[models]], not both");
  int i = 0;
  for (ConfigReader& k : r.table_array("cases", "one data set and its models per case")) {
    cases.push_back(read_case(k, fmt::format("case{}", i++), mlp, train, seed));
    k.finish();
  }
  return cases;
}

void read_cases_config(ConfigReader& r, const char* kind, const char* default_title, CasesConfig& c) {
  const ConfigHeader h = read_header(r, kind, default_title);
  c.title = h.title;
  c.seed = h.seed;
  c.process = read_process(r.section("process", "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"));
  {
    ConfigReader a = r.section("mlp", "the network of every MLP model (d = its case's data dimension)");
    c.mlp_defaults = read_mlp(a, c.mlp_defaults);
  }
  c.train_defaults.seed = c.seed;
  {
    ConfigReader tr = r.section("training", "training of every MLP model");
    c.train_defaults = read_training(tr, c.train_defaults, true);
  }
  c.cases = read_cases(r, c.mlp_defaults, c.train_defaults, c.seed);
}

}  // namespace td
