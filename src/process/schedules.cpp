#include "process/schedules.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

std::vector<double> edm_sigmas(int n, double smin, double smax, double rho) {
  if (n < 2 || !(smin > 0) || !(smax > smin) || !(rho > 0))
    throw InputError(fmt::format("EDM schedule: need n >= 2 and 0 < sigma_min < sigma_max (got {}, {}, {})", n, smin, smax));
  std::vector<double> s;
  const double a = std::pow(smax, 1 / rho), b = std::pow(smin, 1 / rho);
  for (int i = 0; i < n; ++i) s.push_back(std::pow(a + double(i) / (n - 1) * (b - a), rho));
  s.front() = smax, s.back() = smin;
  return s;
}

std::vector<double> times_of_sigmas(const Process& p, const std::vector<double>& sigmas) {
  std::vector<double> t;
  for (double s : sigmas) t.push_back(p.time_at_sigma_tilde(s));
  if (!sigmas.empty() && sigmas.front() == p.sigma_tilde(p.T())) t.front() = p.T();
  if (!sigmas.empty() && sigmas.back() == p.sigma_tilde(p.t_min())) t.back() = p.t_min();
  return t;
}

const std::vector<std::string>& baseline_schedule_names() {
  static const std::vector<std::string> names = {"edm", "uniform_t", "uniform_log_sigma"};
  return names;
}

std::vector<double> baseline_schedule(const std::string& name, const Process& p, int n) {
  if (n < 2) throw InputError(fmt::format("schedule '{}': {} levels; a schedule has at least 2", name, n));
  if (!(p.t_min() > 0))
    throw InputError(fmt::format("schedule '{}': the process starts at t_min = 0, where sigma~ = 0; set process.t_min > 0", name));
  const double s0 = p.sigma_tilde(p.T()), s1 = p.sigma_tilde(p.t_min());
  if (name == "edm") return times_of_sigmas(p, edm_sigmas(n, s1, s0));
  std::vector<double> t, s;
  for (int i = 0; i < n; ++i) {
    const double f = double(i) / (n - 1);
    t.push_back(p.T() + f * (p.t_min() - p.T()));
    s.push_back(std::exp(std::log(s0) + f * std::log(s1 / s0)));
  }
  t.back() = p.t_min(), s.front() = s0, s.back() = s1;
  if (name == "uniform_t") return t;
  if (name == "uniform_log_sigma") return times_of_sigmas(p, s);
  throw InputError(fmt::format("schedule '{}': unknown; the baselines are edm, uniform_t and uniform_log_sigma", name));
}

}  // namespace td
