#include "process/process.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

ProcessParams default_process(ProcessKind kind) {
  ProcessParams p;
  p.kind = kind;
  switch (kind) {
    case ProcessKind::VP: p.t_min = 1e-3; p.T = 1.0; break;
    case ProcessKind::OU: p.t_min = 1e-3; p.T = 5.0; break;
    case ProcessKind::VE: p.t_min = 1e-3; p.T = 1.0; break;
    case ProcessKind::VESong: p.t_min = 1e-3; p.T = 1.0; break;
    case ProcessKind::EDM: p.t_min = 2e-3; p.T = 80.0; break;
  }
  return p;
}

ProcessParams process_on(ProcessKind kind, double t_min, double T) {
  ProcessParams p = default_process(kind);
  p.t_min = t_min;
  p.T = T;
  return p;
}

ProcessKind parse_process_kind(const std::string& n) {
  if (n == "vp") return ProcessKind::VP;
  if (n == "ou") return ProcessKind::OU;
  if (n == "ve") return ProcessKind::VE;
  if (n == "ve_song") return ProcessKind::VESong;
  if (n == "edm") return ProcessKind::EDM;
  throw InputError(fmt::format("unknown process kind '{}' (expected vp, ou, ve, ve_song or edm)", n));
}

std::string process_kind_name(ProcessKind k) {
  switch (k) {
    case ProcessKind::VP: return "vp";
    case ProcessKind::OU: return "ou";
    case ProcessKind::VE: return "ve";
    case ProcessKind::VESong: return "ve_song";
    case ProcessKind::EDM: return "edm";
  }
  return "?";
}

Process::Process(const ProcessParams& p) : p_(p) {
  if (!(p.t_min >= 0) || !(p.T > p.t_min))
    throw InputError(fmt::format("process: need 0 <= t_min < T (got t_min = {}, T = {})", p.t_min, p.T));
  if (p.kind == ProcessKind::VP && !(p.beta_min > 0 && p.beta_max >= p.beta_min))
    throw InputError("process: need 0 < beta_min <= beta_max");
  if (p.kind == ProcessKind::VE && !(p.sigma_min > 0 && p.sigma_max > p.sigma_min))
    throw InputError("process: need 0 < sigma_min < sigma_max");
  if (p.kind == ProcessKind::VESong && !(p.sigma_base > 1))
    throw InputError("process: need sigma > 1 for ve_song");
  if ((p.kind == ProcessKind::VESong || p.kind == ProcessKind::VE) && p.T > 1.0 + 1e-12)
    throw InputError("process: ve and ve_song are defined on t in [0, 1]; T must be <= 1");
}

// -log alpha(t): VP 1/2 int_0^t beta, OU t, others 0.
static double log_alpha_neg(const ProcessParams& p, double t) {
  switch (p.kind) {
    case ProcessKind::VP: return 0.5 * p.beta_min * t + 0.25 * (p.beta_max - p.beta_min) * t * t;
    case ProcessKind::OU: return t;
    default: return 0.0;
  }
}

double Process::alpha(double t) const { return std::exp(-log_alpha_neg(p_, t)); }

double Process::sigma2(double t) const {
  switch (p_.kind) {
    case ProcessKind::VP:
    case ProcessKind::OU: return -std::expm1(-2.0 * log_alpha_neg(p_, t));
    case ProcessKind::VE: {
      const double r = std::log(p_.sigma_max / p_.sigma_min);
      return p_.sigma_min * p_.sigma_min * std::expm1(2.0 * r * t);
    }
    case ProcessKind::VESong: {
      const double l = std::log(p_.sigma_base);
      return std::expm1(2.0 * l * t) / (2.0 * l);
    }
    case ProcessKind::EDM: return t * t;
  }
  return 0;
}

double Process::log_sigma_tilde(double t) const { return 0.5 * std::log(sigma2(t)) + log_alpha_neg(p_, t); }

double Process::sigma(double t) const { return std::sqrt(sigma2(t)); }

double Process::time_at_sigma_tilde(double s) const {
  if (!(s > 0)) return NAN;
  const double target = std::log(s);
  double lo = 0, hi = p_.T;
  for (int k = 0; k < 60 && log_sigma_tilde(hi) < target; ++k) hi *= 2;  // a bracket beyond T
  if (log_sigma_tilde(hi) < target) return NAN;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mid > 0 && log_sigma_tilde(mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

int ddpm_step(const Process& p, double t, int N) {
  if (p.kind() != ProcessKind::VP) return -1;
  const ProcessParams& q = p.params();
  const double target = 2 * std::log(p.alpha(t));
  double log_abar = 0, best = INFINITY;
  int step = 0;
  for (int k = 0; k < N; ++k) {
    const double beta = (q.beta_min + (q.beta_max - q.beta_min) * k / (N - 1)) / N;
    log_abar += std::log1p(-beta);
    if (std::abs(log_abar - target) < best) best = std::abs(log_abar - target), step = k;
  }
  return step;
}

double Process::drift_coef(double t) const {
  switch (p_.kind) {
    case ProcessKind::VP: return -0.5 * (p_.beta_min + (p_.beta_max - p_.beta_min) * t);
    case ProcessKind::OU: return -1.0;
    default: return 0.0;
  }
}

double Process::g2(double t) const {
  switch (p_.kind) {
    case ProcessKind::VP: return p_.beta_min + (p_.beta_max - p_.beta_min) * t;
    case ProcessKind::OU: return 2.0;
    case ProcessKind::VE: {
      const double r = std::log(p_.sigma_max / p_.sigma_min);
      const double s = p_.sigma_min * std::exp(r * t);
      return 2.0 * r * s * s;
    }
    case ProcessKind::VESong: return std::exp(2.0 * std::log(p_.sigma_base) * t);
    case ProcessKind::EDM: return 2.0 * t;
  }
  return 0;
}

double Process::g(double t) const { return std::sqrt(g2(t)); }

void Process::transition(double s, double t, double& a, double& b) const {
  a = alpha(t) / alpha(s);
  b = std::sqrt(std::max(0.0, sigma2(t) - a * a * sigma2(s)));
}

StepNoise Process::step_noise(double t0, double t1) const {
  StepNoise s;
  switch (p_.kind) {
    case ProcessKind::VP:
    case ProcessKind::OU: {
      // B = int beta = 2 (-ln alpha): a = e^{-dB/2}, Var I2 = 1 - e^{-dB}, Cov = 2 (1 - e^{-dB/2}).
      const double dB = 2.0 * (log_alpha_neg(p_, t1) - log_alpha_neg(p_, t0));
      s.a = std::exp(-0.5 * dB);
      s.w = dB;
      s.var2 = -std::expm1(-dB);
      s.cov = -2.0 * std::expm1(-0.5 * dB);
      return s;
    }
    case ProcessKind::VE: {
      const double r = std::log(p_.sigma_max / p_.sigma_min);
      s.w = p_.sigma_min * p_.sigma_min * std::exp(2.0 * r * t0) * std::expm1(2.0 * r * (t1 - t0));
      break;
    }
    case ProcessKind::VESong: {
      const double l = std::log(p_.sigma_base);
      s.w = std::exp(2.0 * l * t0) * std::expm1(2.0 * l * (t1 - t0)) / (2.0 * l);
      break;
    }
    case ProcessKind::EDM: s.w = (t1 - t0) * (t1 + t0); break;
  }
  s.var2 = s.cov = s.w;  // driftless: I2 = I1, the change of sigma^2
  return s;
}

double Process::prior_var() const {
  switch (p_.kind) {
    case ProcessKind::VP:
    case ProcessKind::OU: return 1.0;
    default: return sigma2(p_.T);
  }
}

std::string Process::describe() const {
  switch (p_.kind) {
    case ProcessKind::VP:
      return fmt::format("VP (linear beta {}..{}), t in [{}, {}]", p_.beta_min, p_.beta_max, p_.t_min, p_.T);
    case ProcessKind::OU: return fmt::format("OU dx = -x dt + sqrt(2) dW, t in [{}, {}]", p_.t_min, p_.T);
    case ProcessKind::VE:
      return fmt::format("VE (sigma {}..{}), t in [{}, {}]", p_.sigma_min, p_.sigma_max, p_.t_min, p_.T);
    case ProcessKind::VESong:
      return fmt::format("VE (base sigma {}), t in [{}, {}]", p_.sigma_base, p_.t_min, p_.T);
    case ProcessKind::EDM: return fmt::format("EDM (sigma = t), t in [{}, {}]", p_.t_min, p_.T);
  }
  return "?";
}

}  // namespace td
