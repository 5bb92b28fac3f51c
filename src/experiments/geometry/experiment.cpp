// The "geometry" experiment bound for the program (experiments/experiment_list.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "experiments/geometry/run.hpp"
#include "experiments/models.hpp"
#include "experiments/registry.hpp"

namespace td {
namespace {

// Every case's TorchScript models, checked on that case's data.
nlohmann::json probe(const GeometryConfig& c) { return check_case_models(c); }

}  // namespace

Experiment geometry_experiment(const toml::table& t, const std::string& source) {
  GeometryConfig c = parse_geometry_config(t, source);
  int most_d = 0;
  size_t models = 0;
  for (const DataCase& k : c.cases) most_d = std::max(most_d, k.data->dim), models += k.models.size();
  const double d = most_d, full = d <= c.g.spectrum.full_max_dim ? d : double(c.g.spectrum.block * c.g.spectrum.steps);
  std::vector<MemoryTerm> memory = {
      {"the products of one batch of 8 points (8 x d x min(d, full_max_dim), 4 copies)", 4 * 8 * d * full * kDoubleBytes},
      {"the spectra of a profile time (geometry.points x d, 3 copies)", 3.0 * c.g.points * d * kDoubleBytes}};
  const std::string summary = fmt::format("geometry, {} case(s), {} model(s), {} profile times", c.cases.size(), models, c.g.nodes);
  return bind_experiment(std::move(c), "geometry", summary, std::move(memory), probe, run_geometry_experiment,
                         render_geometry_report);
}

}  // namespace td
