#include "process/grids.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/quadrature.hpp"

namespace td {

GridKind parse_grid_kind(const std::string& n) {
  if (n == "uniform") return GridKind::Uniform;
  if (n == "geometric") return GridKind::Geometric;
  if (n == "sigma") return GridKind::Sigma;
  if (n == "log_sigma") return GridKind::LogSigma;
  if (n == "mixed") return GridKind::Mixed;
  throw InputError(fmt::format("unknown grid kind '{}' (expected uniform, geometric, sigma, log_sigma or mixed)", n));
}

std::string grid_kind_name(GridKind k) {
  switch (k) {
    case GridKind::Uniform: return "uniform";
    case GridKind::Geometric: return "geometric";
    case GridKind::Sigma: return "sigma";
    case GridKind::LogSigma: return "log_sigma";
    case GridKind::Mixed: return "mixed";
  }
  return "?";
}

GridSpec default_grid(ProcessKind kind, int steps, double t_min) {
  const bool drift = kind == ProcessKind::VP || kind == ProcessKind::OU;
  return GridSpec{drift && t_min > 0 ? GridKind::LogSigma : GridKind::Sigma, steps, 7.0};
}

double time_of_log_noise_level(const Process& p, double ls, double lo, double hi) {
  // 200 halvings reach the resolution of a double on any interval.
  for (int i = 0; i < 200 && hi - lo > 4e-16 * std::abs(hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (p.log_sigma_tilde(mid) < ls ? lo : hi) = mid;
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
      // u = s^(1/rho) from ln s, so that a noise level beyond a double's range still has its root.
      const double a = std::exp(p.log_sigma_tilde(t0) / g.rho), b = std::exp(p.log_sigma_tilde(t1) / g.rho);
      if (!std::isfinite(b))
        throw InputError(fmt::format("grid: sigma/alpha at T = {} is beyond range for kind = \"sigma\" with rho = {}; "
                                     "use kind = \"log_sigma\" or a larger rho", t1, g.rho));
      for (int n = 0; n <= N; ++n)
        t[size_t(n)] = time_of_log_noise_level(p, g.rho * std::log(a + (b - a) * n / N), t0, t1);
      break;
    }
    case GridKind::LogSigma: {
      if (!(t0 > 0))
        throw InputError(fmt::format("grid: kind = \"log_sigma\" needs t_min > 0 (got {}); use \"sigma\" or \"uniform\"", t0));
      const double a = p.log_sigma_tilde(t0), b = p.log_sigma_tilde(t1);
      for (int n = 0; n <= N; ++n) t[size_t(n)] = time_of_log_noise_level(p, a + (b - a) * n / N, t0, t1);
      break;
    }
    case GridKind::Mixed:
      if (!(t0 > 0))
        throw InputError(fmt::format("grid: kind = \"mixed\" needs t_min > 0 (got {}); use \"sigma\" or \"uniform\"", t0));
      t = mixed_grid(t0, t1, N + 1);  // the two halves share their ends: N - 1 nodes
      break;
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
