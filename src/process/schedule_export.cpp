#include "process/schedule_export.hpp"

#include "process/schedules.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

std::vector<double> discrete_sigmas(const DiscreteTraining& d) {
  const bool scaled = d.beta_schedule == "scaled_linear";
  if (!scaled && d.beta_schedule != "linear")
    throw InputError("beta_schedule '" + d.beta_schedule + "': use \"linear\" (DDPM) or \"scaled_linear\" (Stable Diffusion)");
  if (d.train_steps < 2) throw InputError(fmt::format("train_steps {}: a discrete model has at least 2 steps", d.train_steps));
  if (!(d.beta_start > 0 && d.beta_end > 0 && d.beta_start < 1 && d.beta_end < 1))
    throw InputError(fmt::format("betas {} .. {}: each must be in (0, 1)", d.beta_start, d.beta_end));
  std::vector<double> s(size_t(d.train_steps));
  double log_abar = 0;
  for (int k = 0; k < d.train_steps; ++k) {
    const double f = double(k) / (d.train_steps - 1);
    const double beta = scaled ? std::pow(std::sqrt(d.beta_start) + f * (std::sqrt(d.beta_end) - std::sqrt(d.beta_start)), 2)
                               : d.beta_start + f * (d.beta_end - d.beta_start);
    log_abar += std::log1p(-beta);
    s[size_t(k)] = std::sqrt(std::expm1(-log_abar));  // (1 - abar) / abar = 1 / abar - 1
  }
  return s;
}

int nearest_step(const std::vector<double>& step_sigmas, double s) {
  int best = 0;
  for (int k = 1; k < int(step_sigmas.size()); ++k)
    if (std::abs(std::log(step_sigmas[size_t(k)] / s)) < std::abs(std::log(step_sigmas[size_t(best)] / s))) best = k;
  return best;
}

std::vector<double> discrete_schedule(const Process& p, const DiscreteTraining& d, int n) {
  if (n < 2 || n > d.train_steps)
    throw InputError(fmt::format("discrete schedule: {} levels of a model with {} training steps", n, d.train_steps));
  const std::vector<double> steps = discrete_sigmas(d);
  const double hi = p.sigma_tilde(p.T()), lo = p.sigma_tilde(p.t_min());
  std::vector<double> s;
  for (int i = 0; i < n; ++i) s.push_back(steps[size_t(std::lround((d.train_steps - 1) * (1 - double(i) / (n - 1))))]);
  if (std::abs(std::log(s.front() / hi)) > std::log(1.5) || std::abs(std::log(s.back() / lo)) > std::log(1.5))
    throw InputError(fmt::format("discrete schedule: the model's levels span sigma~ {:.4g} .. {:.4g}, the process's {:.4g} .. {:.4g}: "
                                 "[process] is not the process the model was trained with (set its beta_min, beta_max, t_min)",
                                 s.back(), s.front(), lo, hi));
  s.front() = hi, s.back() = lo;
  for (size_t i = 1; i < s.size(); ++i)
    if (!(s[i] < s[i - 1]))
      throw InputError(fmt::format("discrete schedule: levels {} and {} coincide (sigma~ {:.4g}) after pinning the ends", i - 1, i, s[i]));
  return times_of_sigmas(p, s);
}

ExportedSchedule export_schedule(const std::string& name, const Process& p, const std::vector<double>& t,
                                 const DiscreteTraining& training) {
  if (t.size() < 2) throw InputError(fmt::format("schedule '{}': {} level(s); a schedule has at least 2", name, t.size()));
  for (size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] > 0 && t[i] <= p.T()))
      throw InputError(fmt::format("schedule '{}': time {} (level {}) is outside (0, T = {}]", name, t[i], i, p.T()));
    if (i > 0 && !(t[i] < t[i - 1]))
      throw InputError(fmt::format("schedule '{}': times must descend, but level {} ({}) follows {}", name, i, t[i], t[i - 1]));
  }
  ExportedSchedule e{name, t, {}, {}, {}};
  const std::vector<double> steps = discrete_sigmas(training);
  for (double ti : t) {
    e.sigma.push_back(p.sigma_tilde(ti));
    e.timesteps.push_back(nearest_step(steps, e.sigma.back()));
  }
  e.sigma.push_back(0.0);
  for (size_t i = 1; i < e.timesteps.size(); ++i)
    if (e.timesteps[i] == e.timesteps[i - 1])
      e.warnings.push_back(fmt::format("schedule '{}': levels {} and {} share training step {} (sigma {:.4g}, {:.4g}): "
                                       "a discrete scheduler would take a step of zero there",
                                       name, i - 1, i, e.timesteps[i], e.sigma[i - 1], e.sigma[i]));
  return e;
}

std::string schedules_csv(const std::vector<ExportedSchedule>& all) {
  std::string out = "schedule,i,t,sigma,timestep\n";
  for (const ExportedSchedule& s : all) {
    for (size_t i = 0; i < s.t.size(); ++i)
      out += fmt::format("{},{},{:.17g},{:.17g},{}\n", s.name, i, s.t[i], s.sigma[i], s.timesteps[i]);
    out += fmt::format("{},{},,0,\n", s.name, s.t.size());
  }
  return out;
}

}  // namespace td
