#include "experiments/grid_config.hpp"

#include <fmt/format.h>

namespace td {

GridConfig read_grid(ConfigReader& root, ProcessKind kind, double t_min, int default_steps) {
  ConfigReader g = root.section("grid", "the time grid { kind, steps, rho, refine, max_steps, scheme }");
  GridConfig c;
  c.spec = default_grid(kind, default_steps, t_min);
  const std::string k = g.string("kind", grid_kind_name(c.spec.kind),
      "sigma (EDM-rho in the noise level s = sigma/alpha; default for VE, EDM), log_sigma (uniform in ln s; default for VP, OU), "
      "geometric (steps proportional to t) or uniform");
  g.require(k == "sigma" || k == "log_sigma" || k == "geometric" || k == "uniform", "kind",
            fmt::format("must be \"sigma\", \"log_sigma\", \"geometric\" or \"uniform\" (got \"{}\")", k));
  c.spec.kind = parse_grid_kind(k);
  const int64_t steps = g.integer("steps", c.spec.steps, "time steps on [t_min, T]");
  g.require(steps >= 1 && steps <= 100000000, "steps", fmt::format("must be from 1 to 100000000 (got {})", steps));
  c.spec.steps = int(steps);
  c.spec.rho = g.number("rho", c.spec.rho, "the exponent of the sigma grid (7: Karras et al.; 1: uniform in sigma)");
  g.require(c.spec.rho >= 1 && c.spec.rho <= 100, "rho", fmt::format("must be in [1, 100] (got {})", c.spec.rho));
  c.refine = g.boolean("refine", false,
      "double the steps until every estimate's |dt_error| is below half its standard error (up to max_steps)");
  const int64_t max_steps = g.integer("max_steps", std::min<int64_t>(int64_t(c.spec.steps) * 16, 100000000),
      "the most steps refinement may use");
  g.require(max_steps >= c.spec.steps && max_steps <= 100000000, "max_steps",
            fmt::format("must be from steps ({}) to 100000000 (got {})", c.spec.steps, max_steps));
  c.max_steps = int(max_steps);
  c.reverse = read_reverse_scheme(g, c.reverse);
  g.finish();
  return c;
}

// The key `scheme` of a table that runs the reverse SDE.
ReverseScheme read_reverse_scheme(ConfigReader& t, ReverseScheme def) {
  const std::string sc = t.string("scheme", reverse_scheme_name(def),
      "heun (weak order 2) or euler-maruyama (weak order 1) for the reverse SDE (docs/discretization.md#reverse)");
  t.require(sc == "heun" || sc == "euler-maruyama", "scheme", fmt::format("must be \"heun\" or \"euler-maruyama\" (got \"{}\")", sc));
  return parse_reverse_scheme(sc);
}

}  // namespace td
