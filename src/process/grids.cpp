#include "process/grids.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

GridKind parse_grid_kind(const std::string& n) {
  if (n == "uniform") return GridKind::Uniform;
  if (n == "geometric") return GridKind::Geometric;
  if (n == "sigma") return GridKind::Sigma;
  throw InputError(fmt::format("unknown grid kind '{}' (expected uniform, geometric or sigma)", n));
}

std::string grid_kind_name(GridKind k) {
  switch (k) {
    case GridKind::Uniform: return "uniform";
    case GridKind::Geometric: return "geometric";
    case GridKind::Sigma: return "sigma";
  }
  return "?";
}

GridSpec default_grid(ProcessKind, int steps) { return GridSpec{GridKind::Sigma, steps, 7.0}; }

double time_of_noise_level(const Process& p, double s, double lo, double hi) {
  // 200 halvings reach the resolution of a double on any interval.
  for (int i = 0; i < 200 && hi - lo > 4e-16 * std::abs(hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (p.sigma_tilde(mid) < s ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

TimeGrid make_grid(const Process& p, const GridSpec& g, double t0, double t1) {
  if (g.steps < 1) throw InputError(fmt::format("grid: steps must be >= 1 (got {})", g.steps));
  const int N = g.steps;
  std::vector<double> t(size_t(N) + 1);
  switch (g.kind) {
    case GridKind::Uniform: return TimeGrid(t0, t1, N);
    case GridKind::Geometric:
      if (!(t0 > 0))
        throw InputError(fmt::format("grid: kind = \"geometric\" needs t_min > 0 (got {}); use \"sigma\" or \"uniform\"", t0));
      for (int n = 0; n <= N; ++n) t[size_t(n)] = t0 * std::pow(t1 / t0, double(n) / N);
      break;
    case GridKind::Sigma: {
      if (!(g.rho >= 1 && g.rho <= 100)) throw InputError(fmt::format("grid: rho must be in [1, 100] (got {})", g.rho));
      const double a = std::pow(p.sigma_tilde(t0), 1 / g.rho), b = std::pow(p.sigma_tilde(t1), 1 / g.rho);
      for (int n = 0; n <= N; ++n) t[size_t(n)] = time_of_noise_level(p, std::pow(a + (b - a) * n / N, g.rho), t0, t1);
      break;
    }
  }
  t.front() = t0, t.back() = t1;
  for (size_t i = 1; i < t.size(); ++i)
    if (!(t[i] > t[i - 1]))
      throw InputError(fmt::format("grid: {} steps of kind \"{}\" on [{}, {}] give two equal times near t = {}; use fewer steps",
                                   N, grid_kind_name(g.kind), t0, t1, t[i]));
  return TimeGrid(std::move(t));
}

TimeGrid make_grid(const Process& p, const GridSpec& g) { return make_grid(p, g, p.t_min(), p.T()); }

}  // namespace td
