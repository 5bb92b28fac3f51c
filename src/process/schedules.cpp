#include "process/schedules.hpp"

#include <algorithm>
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

namespace {

void check_density(const Process& p, const std::vector<double>& nodes, const std::vector<double>& r, int n, double floor) {
  if (n < 2) throw InputError(fmt::format("density schedule: {} levels; a schedule has at least 2", n));
  if (!(floor >= 0 && floor <= 1)) throw InputError(fmt::format("density schedule: floor {} is outside [0, 1]", floor));
  if (nodes.size() < 2 || nodes.size() != r.size())
    throw InputError(fmt::format("density schedule: {} nodes and {} rates; need the same number, at least 2", nodes.size(), r.size()));
  if (std::abs(nodes.front() - p.t_min()) > 1e-9 * p.T() || std::abs(nodes.back() - p.T()) > 1e-9 * p.T())
    throw InputError(fmt::format("density schedule: the nodes span [{}, {}], not the process's [{}, {}]", nodes.front(),
                                 nodes.back(), p.t_min(), p.T()));
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i > 0 && !(nodes[i] > nodes[i - 1]))
      throw InputError(fmt::format("density schedule: nodes must ascend, but node {} ({}) follows {}", i, nodes[i], nodes[i - 1]));
    if (!(r[i] >= 0) || !std::isfinite(r[i]))
      throw InputError(fmt::format("density schedule: the rate at node {} (t = {}) is {}; it must be finite and >= 0", i, nodes[i], r[i]));
  }
}

}  // namespace

std::vector<double> density_schedule(const Process& p, const std::vector<double>& nodes, const std::vector<double>& r,
                                     int n, double floor) {
  check_density(p, nodes, r, n, floor);
  if (!(p.t_min() > 0)) throw InputError("density schedule: the process starts at t_min = 0, where sigma~ = 0; set process.t_min > 0");
  const size_t m = nodes.size();
  std::vector<double> R(m, 0.0), L(m, 0.0);  // cumulative rate and cumulative ln sigma~
  for (size_t i = 1; i < m; ++i) {
    R[i] = R[i - 1] + 0.5 * (r[i] + r[i - 1]) * (nodes[i] - nodes[i - 1]);
    L[i] = p.log_sigma_tilde(nodes[i]) - p.log_sigma_tilde(nodes[0]);
  }
  if (!(R.back() > 0) && floor < 1)
    throw InputError("density schedule: the rate is 0 at every node; use floor = 1 (uniform in log sigma~) or another rate");
  std::vector<double> Q(m);
  for (size_t i = 0; i < m; ++i) Q[i] = (floor < 1 ? (1 - floor) * R[i] / R.back() : 0.0) + floor * L[i] / L.back();
  std::vector<double> t;
  for (int j = n - 1; j >= 0; --j) {  // T first: level 0 is the noisiest
    const double target = double(j) / (n - 1);
    size_t i = size_t(std::lower_bound(Q.begin(), Q.end(), target) - Q.begin());
    i = std::clamp<size_t>(i, 1, m - 1);
    const double f = Q[i] > Q[i - 1] ? (target - Q[i - 1]) / (Q[i] - Q[i - 1]) : 0.0;
    t.push_back(nodes[i - 1] + f * (nodes[i] - nodes[i - 1]));
  }
  t.front() = p.T(), t.back() = p.t_min();
  for (size_t j = 1; j < t.size(); ++j)
    if (!(t[j] < t[j - 1]))
      throw InputError(fmt::format("density schedule: levels {} and {} coincide at t = {} (the rate is 0 over a stretch and floor = 0); "
                                   "raise floor", j - 1, j, t[j]));
  return t;
}

}  // namespace td
