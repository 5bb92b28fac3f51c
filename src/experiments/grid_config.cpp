#include "experiments/grid_config.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace td {
namespace {

constexpr const char* kKindDoc =
    "sigma (EDM-rho in the noise level s = sigma/alpha; default for VE, EDM), log_sigma (uniform in ln s; default for "
    "VP, OU), geometric (steps proportional to t), uniform, or mixed (half geometric, half uniform)";

// The keys kind and rho of a [grid] table; `def` is the kind's default name ("auto" allowed when
// `allow_auto`: empty kind).
GridShape read_kind_and_rho(ConfigReader& g, const std::string& def, bool allow_auto) {
  GridShape s;
  const std::string k = g.string("kind", def, kKindDoc);
  const bool known = k == "sigma" || k == "log_sigma" || k == "geometric" || k == "uniform" || k == "mixed";
  g.require(known || (allow_auto && k == "auto"), "kind",
            fmt::format("must be {}\"sigma\", \"log_sigma\", \"geometric\", \"uniform\" or \"mixed\" (got \"{}\")",
                        allow_auto ? "\"auto\" (the process's default), " : "", k));
  if (known) s.kind = parse_grid_kind(k);
  s.rho = g.number("rho", s.rho, "the exponent of the sigma grid (7: Karras et al.; 1: uniform in sigma)");
  g.require(s.rho >= 1 && s.rho <= 100, "rho", fmt::format("must be in [1, 100] (got {})", s.rho));
  return s;
}

}  // namespace

GridSpec GridShape::spec(ProcessKind process, int steps, double t_min) const {
  GridSpec g = default_grid(process, steps, t_min);
  if (kind) g.kind = *kind;
  g.rho = rho;
  return g;
}

GridShape read_grid_shape(ConfigReader& root, const char* used_by, std::optional<GridKind> def, bool refinable) {
  ConfigReader g = root.section("grid", fmt::format("the kind of every time grid ({}) {{ kind, rho{} }}", used_by,
                                                    refinable ? ", refine, max_doublings" : "").c_str());
  GridShape s = read_kind_and_rho(g, def ? grid_kind_name(*def) : "auto", true);
  if (refinable) {
    s.refine = g.boolean("refine", s.refine,
        "double each section's steps until every estimate's |dt_error| is below half its standard error");
    s.max_doublings = g.int32("max_doublings", s.max_doublings, "the most doublings refinement may use");
    g.require(s.max_doublings >= 0 && s.max_doublings <= 10, "max_doublings",
              fmt::format("must be in [0, 10] (got {})", s.max_doublings));
  }
  g.finish();
  return s;
}

nlohmann::json Refinement::json() const {
  return {{"configured_steps", configured}, {"steps", used}, {"converged", converged}};
}

nlohmann::json grid_record(const GridSpec& spec, const TimeGrid& grid, const Refinement* rf) {
  double lo = grid.steps() > 0 ? grid.dt(0) : 0.0;
  for (int n = 1; n < grid.steps(); ++n) lo = std::min(lo, grid.dt(n));
  nlohmann::json g = {{"kind", grid_kind_name(spec.kind)}, {"rho", spec.rho},     {"steps", grid.steps()},
                      {"t_min", grid.t_min()},             {"T", grid.T()},       {"min_dt", lo},
                      {"max_dt", grid.max_dt()}};
  if (rf) g["refinement"] = rf->json();
  return g;
}

bool dt_errors_small(const std::vector<double>& dt, const std::vector<double>& se) {
  for (size_t i = 0; i < dt.size(); ++i)
    if (std::isfinite(dt[i]) && !(std::abs(dt[i]) < 0.5 * se[i])) return false;
  return true;
}

GridConfig read_grid(ConfigReader& root, ProcessKind kind, double t_min, int default_steps) {
  ConfigReader g = root.section("grid", "the time grid { kind, steps, rho, refine, max_steps, scheme }");
  GridConfig c;
  c.spec = default_grid(kind, default_steps, t_min);
  const GridShape shape = read_kind_and_rho(g, grid_kind_name(c.spec.kind), false);
  c.spec.kind = *shape.kind;
  c.spec.rho = shape.rho;
  const int64_t steps = g.integer("steps", c.spec.steps, "time steps on [t_min, T]");
  g.require(steps >= 1 && steps <= 100000000, "steps", fmt::format("must be from 1 to 100000000 (got {})", steps));
  c.spec.steps = int(steps);
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
