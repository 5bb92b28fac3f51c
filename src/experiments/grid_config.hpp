#pragma once
// The [grid] block every experiment that steps in time shares (docs/discretization.md): the kind of time grid, its steps, and whether to refine it until the
// discretization error is small against the statistical one.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/config_reader.hpp"
#include "process/grids.hpp"
#include "sim/ensemble.hpp"

namespace td {

struct GridConfig {
  GridSpec spec;
  // Refinement: double the steps while any estimate's |dt_error| > SE/2, up to max_steps.
  bool refine = false;
  int max_steps = 0;
  ReverseScheme reverse = ReverseScheme::Heun;  // the reverse SDE's integrator where one is sampled
};

// Reads [grid] (absent: the defaults of the process kind on [t_min, T], `default_steps` steps).
GridConfig read_grid(ConfigReader& root, ProcessKind kind, double t_min, int default_steps);

// [grid] where the experiment's sections count their own nodes or steps (all but taep and learning)
// and may run on several processes: the kind and rho only. kind = "auto" (the
// default) takes each process's default grid.
struct GridShape {
  std::optional<GridKind> kind;  // empty: auto
  double rho = 7.0;
  // Where the experiment offers it: double a section's steps until every estimate's
  // |dt_error| < SE/2, at most max_doublings times.
  bool refine = false;
  int max_doublings = 4;
  GridSpec spec(ProcessKind process, int steps, double t_min) const;
};
// `def`: the kind when [grid] names none (empty: auto); `refinable`: the keys refine and
// max_doublings are offered.
GridShape read_grid_shape(ConfigReader& root, const char* used_by, std::optional<GridKind> def = std::nullopt,
                          bool refinable = false);

// What a refined section used: results.json's "refinement" { configured_steps, steps, converged }.
struct Refinement {
  int configured = 0, used = 0;
  bool converged = true;  // every |dt_error| < SE/2 at the steps used
  nlohmann::json json() const;
};
// results.json's record of a time grid, written here for every experiment: {kind, rho, steps, t_min,
// T, min_dt, max_dt} of the grid used, and its "refinement" where the steps were refined.
nlohmann::json grid_record(const GridSpec& spec, const TimeGrid& grid, const Refinement* rf = nullptr);

// Runs run(steps) and, with shape.refine, again at twice the steps while small(result) is false
// (each run's steps split every step of the one before in two on the same kind of grid).
template <class Run, class Small>
auto refine_steps(const GridShape& shape, int steps, Run run, Small small, Refinement& rf) {
  rf.configured = steps;
  auto r = run(steps);
  bool ok = small(r);
  for (int k = 0; shape.refine && !ok && k < shape.max_doublings; ++k) {
    steps *= 2;
    r = run(steps);
    ok = small(r);
  }
  rf.used = steps;
  rf.converged = ok;
  return r;
}
// |dt| < se/2 at every index where dt is finite (the refinement criterion).
bool dt_errors_small(const std::vector<double>& dt, const std::vector<double>& se);

// The key `scheme` of a table that runs the reverse SDE: heun or euler-maruyama.
ReverseScheme read_reverse_scheme(ConfigReader& table, ReverseScheme def);

}  // namespace td
