// The "schedules" experiment bound for the program (experiments/experiment_list.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "experiments/models.hpp"
#include "experiments/registry.hpp"
#include "experiments/schedules/run.hpp"

namespace td {
namespace {

// Every case's TorchScript models, checked on that case's data.
nlohmann::json probe(const SchedulesConfig& c) { return check_case_models(c); }

// The samples of every schedule of one (N, sampler) held together, and the optimizer's scores.
std::vector<MemoryTerm> memory_of(const SchedulesConfig& c) {
  int most_d = 0;
  for (const ScheduleCase& k : c.cases) most_d = std::max(most_d, k.data->dim);
  const double kinds = double(c.s.kinds.size());
  return {{"samples of every schedule of one step count (schedules.samples x kinds x d, 3 copies)",
           3 * kinds * c.s.samples * most_d * kDoubleBytes},
          {"the path-KL table's scores of a block (schedules.path_kl_grid x 256 x d)", double(c.s.path_kl_grid) * 256 * most_d * kDoubleBytes}};
}

}  // namespace

Experiment schedules_experiment(const toml::table& t, const std::string& source) {
  SchedulesConfig c = parse_schedules_config(t, source);
  std::vector<MemoryTerm> memory = memory_of(c);
  size_t models = 0;
  for (const ScheduleCase& k : c.cases) models += k.models.size();
  const std::string summary = fmt::format("schedules, {} case(s), {} model(s), {} kinds x {} step counts x {} samplers", c.cases.size(),
                                          models, c.s.kinds.size(), c.s.levels.size(), c.s.samplers.size());
  return bind_experiment(std::move(c), "schedules", summary, std::move(memory), probe, run_schedules_experiment,
                         render_schedules_report);
}

}  // namespace td
