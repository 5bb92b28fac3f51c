#pragma once
// The [grid] block every experiment that steps in time shares (README, "Configuration";
// docs/discretization.md): the kind of time grid, its steps, and whether to refine it until the
// discretization error is small against the statistical one.
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

// The key `scheme` of a table that runs the reverse SDE: heun or euler-maruyama.
ReverseScheme read_reverse_scheme(ConfigReader& table, ReverseScheme def);

}  // namespace td
