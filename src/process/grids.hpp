#pragma once
// The time grids an experiment can step on ([grid] in every config; docs/discretization.md):
//   uniform    t_n = t_min + n (T - t_min) / N
//   geometric  t_n = t_min (T / t_min)^(n/N): steps proportional to t (needs t_min > 0)
//   sigma      EDM-rho in the EDM-equivalent noise level s = sigma(t)/alpha(t):
//              s_n = (s_min^(1/rho) + n/N (s_max^(1/rho) - s_min^(1/rho)))^rho, t_n = s^-1(s_n).
//              Dense where s is small (near t_min), where the score changes fastest.
//   log_sigma  uniform in ln s (the limit rho -> infinity; needs t_min > 0).
//   mixed      half geometric, half uniform (the rate integrals' grid before [grid] existed; its
//              every-other-node twin is irregular, so its quadrature error estimate is not reliable).
// Defaults: VE and EDM `sigma` with rho = 7 (Karras et al.'s schedule). VP and OU `log_sigma`:
// ln s ~ (1/2) ln t near t_min (geometric, dense near the data) and ~ int beta / 2 at large t
// (bounded spacing), where any finite rho would crowd the steps at large t, since s grows
// exponentially there.
#include <string>

#include "core/time_grid.hpp"
#include "process/process.hpp"

namespace td {

enum class GridKind { Uniform, Geometric, Sigma, LogSigma, Mixed };

struct GridSpec {
  GridKind kind = GridKind::Sigma;
  int steps = 1000;
  double rho = 7.0;
  bool operator==(const GridSpec&) const = default;
};

GridKind parse_grid_kind(const std::string& name);  // throws InputError naming the choices
std::string grid_kind_name(GridKind kind);
// The default grid of a process kind on [t_min, T] (log_sigma needs t_min > 0: else sigma).
GridSpec default_grid(ProcessKind kind, int steps, double t_min = 1e-3);

// The grid of `spec` on the process's [t_min, T]. Throws InputError when the kind cannot be built
// there (geometric with t_min = 0).
TimeGrid make_grid(const Process& process, const GridSpec& spec);
// On [t0, t1] instead of the process's window (e.g. a leg of a reverse run).
TimeGrid make_grid(const Process& process, const GridSpec& spec, double t0, double t1);

// t with ln(sigma(t)/alpha(t)) = ls, for ls in [ls(lo), ls(hi)] (bisection; the map is increasing).
double time_of_log_noise_level(const Process& process, double ls, double lo, double hi);

}  // namespace td
