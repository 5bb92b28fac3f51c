#include "experiments/case_config.hpp"

#include <fmt/format.h>

#include "experiments/data_config.hpp"
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

}  // namespace td
