#pragma once
// The [grid] block every experiment that steps in time shares (README, "Configuration";
// docs/discretization.md): the kind of time grid, its steps, and whether to refine it until the
// discretization error is small against the statistical one.
#include <optional>

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

// [grid] where the experiment's sections count their own nodes or steps (information, likelihood,
// nonequilibrium) and may run on several processes: the kind and rho only. kind = "auto" (the
// default) takes each process's default grid.
struct GridShape {
  std::optional<GridKind> kind;  // empty: auto
  double rho = 7.0;
  GridSpec spec(ProcessKind process, int steps, double t_min) const;
};
// `def`: the kind when [grid] names none (empty: auto).
GridShape read_grid_shape(ConfigReader& root, const char* used_by, std::optional<GridKind> def = std::nullopt);

// The key `scheme` of a table that runs the reverse SDE: heun or euler-maruyama.
ReverseScheme read_reverse_scheme(ConfigReader& table, ReverseScheme def);

}  // namespace td
