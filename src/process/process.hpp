#pragma once
// Forward processes dx = f(x,t) dt + g(t) dW with linear drift f = a(t) x (docs §0).
// Marginal kernel x_t = alpha(t) x_0 + sigma(t) z, sigma measured from data at t = 0.
#include <cmath>
#include <string>

namespace td {

enum class ProcessKind { VP, OU, VE, VESong, EDM };

// The exact Gaussian step of the forward process from t0 to t1 (docs/discretization.md):
// x(t1) = a x(t0) + I2, and I1 = int g dW over the step, the increment that multiplies a pre-point
// integrand (TAEP's noise term). Per coordinate (I1, I2) are jointly Gaussian with zero mean,
// Var I1 = w = int g^2 dt (also the kernel term's weight), Var I2 = var2, Cov = cov.
// Driftless processes (VE, EDM): a = 1 and I1 = I2.
struct StepNoise {
  double a = 1, w = 0, var2 = 0, cov = 0;
};

struct ProcessParams {
  ProcessKind kind = ProcessKind::VP;
  double beta_min = 0.1, beta_max = 20.0;   // VP, linear beta(t)
  double sigma_min = 0.01, sigma_max = 50;  // VE geometric sigma_min (sigma_max/sigma_min)^t
  double sigma_base = 25.0;                 // VE as in Song's tutorial: g^2 = sigma^(2t)
  double t_min = 1e-3, T = 1.0;
  bool operator==(const ProcessParams&) const = default;
};

// Defaults of t_min and T per kind (used when a config does not set them).
ProcessParams default_process(ProcessKind kind);
ProcessKind parse_process_kind(const std::string& name);  // throws InputError
// The default process of `kind` on [t_min, T].
ProcessParams process_on(ProcessKind kind, double t_min, double T);
std::string process_kind_name(ProcessKind kind);

// Biroli et al.'s times are OU times t_OU (alpha = e^-t, sigma~^2 = e^{2t} - 1): its noise level.
inline double ou_sigma_tilde(double t_ou) { return std::sqrt(std::expm1(2 * t_ou)); }


class Process {
 public:
  explicit Process(const ProcessParams& p);
  const ProcessParams& params() const { return p_; }
  ProcessKind kind() const { return p_.kind; }
  double t_min() const { return p_.t_min; }
  double T() const { return p_.T; }

  double alpha(double t) const;
  double sigma2(double t) const;  // marginal variance of the noise part
  double sigma(double t) const;
  double sigma_tilde(double t) const { return sigma(t) / alpha(t); }  // EDM-equivalent noise level
  double log_sigma_tilde(double t) const;  // ln(sigma/alpha), finite where sigma/alpha overflows
  bool driftless() const { return kind() == ProcessKind::VE || kind() == ProcessKind::VESong || kind() == ProcessKind::EDM; }
  double drift_coef(double t) const;                                  // a(t): f(x,t) = a(t) x
  double div_f(double t, int d) const { return d * drift_coef(t); }   // div f = d a(t)
  double g2(double t) const;
  double g(double t) const;
  // Exact transition from s to t > s: x_t = a x_s + b z.
  void transition(double s, double t, double& a, double& b) const;
  StepNoise step_noise(double t0, double t1) const;
  // The time at which sigma~(t) = s (sigma~ increases with t for every process): the clock
  // conversion of a time given as a noise level (docs/processes.md#clocks); any t > 0, also outside
  // [t_min, T]; NaN when no t > 0 reaches s.
  double time_at_sigma_tilde(double s) const;
  // Prior N(0, prior_var I) that samplers start from at T.
  double prior_var() const;
  std::string describe() const;

 private:
  ProcessParams p_;
};

// A VP process with linear beta is the continuous limit of DDPM's N-step schedule with
// beta_k = beta(t) / N linear from beta_min/N to beta_max/N (N = 1000: Ho et al.'s 1e-4..0.02): the
// step k in 0..N-1 whose abar_k = prod_{i <= k} (1 - beta_i) is nearest to alpha(t)^2 (in log);
// -1 for another process.
int ddpm_step(const Process& p, double t, int N = 1000);

}  // namespace td
