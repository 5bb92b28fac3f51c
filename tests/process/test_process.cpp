#include "common.hpp"

namespace td {

// For x_t = alpha x_0 + sigma z with dx = a x dt + g dW: alpha' = a alpha and
// (sigma^2)' = 2 a sigma^2 + g^2. Checked by central differences for every kind.
TEST(Process, KernelSatisfiesTheSdeMomentEquations) {
  for (ProcessKind k : {ProcessKind::VP, ProcessKind::OU, ProcessKind::VE, ProcessKind::VESong, ProcessKind::EDM}) {
    const Process p(default_process(k));
    for (double frac : {0.1, 0.35, 0.8}) {
      const double t = p.t_min() + frac * (p.T() - p.t_min()), h = 1e-5 * std::max(1.0, t);
      const double da = (p.alpha(t + h) - p.alpha(t - h)) / (2 * h);
      const double ds2 = (p.sigma2(t + h) - p.sigma2(t - h)) / (2 * h);
      EXPECT_NEAR(da, p.drift_coef(t) * p.alpha(t), 1e-6 * std::max(1.0, std::abs(da))) << process_kind_name(k);
      EXPECT_NEAR(ds2, 2 * p.drift_coef(t) * p.sigma2(t) + p.g2(t), 1e-6 * std::max(1.0, std::abs(ds2)))
          << process_kind_name(k) << " t=" << t;
    }
    double a, b;
    const double s = p.t_min() + 0.2 * (p.T() - p.t_min()), t = p.t_min() + 0.7 * (p.T() - p.t_min());
    p.transition(s, t, a, b);
    EXPECT_NEAR(a * p.alpha(s), p.alpha(t), 1e-14);
    EXPECT_NEAR(a * a * p.sigma2(s) + b * b, p.sigma2(t), 1e-12 * std::max(1.0, p.sigma2(t)));
  }
}

TEST(Process, ClosedFormsOfFormulasSection0) {
  const Process vp(default_process(ProcessKind::VP));
  const double t = 0.4;
  EXPECT_NEAR(vp.alpha(t), std::exp(-0.5 * 0.1 * t - 0.25 * 19.9 * t * t), 1e-15);
  EXPECT_NEAR(vp.sigma2(t), 1 - vp.alpha(t) * vp.alpha(t), 1e-15);
  const Process ou(default_process(ProcessKind::OU));
  EXPECT_NEAR(ou.sigma2(0.3), 1 - std::exp(-0.6), 1e-15);
  EXPECT_DOUBLE_EQ(ou.g2(0.3), 2.0);
  const Process edm(default_process(ProcessKind::EDM));
  EXPECT_DOUBLE_EQ(edm.sigma(3.0), 3.0);
  EXPECT_NEAR(vp.sigma_tilde(t), vp.sigma(t) / vp.alpha(t), 1e-15);
}

}  // namespace td

namespace td {

// Clock conversions at equal noise level sigma~ (docs/processes.md#clocks): closed forms for VP
// (sigma~^2 = e^{B(t)} - 1), OU (e^{2t} - 1), EDM (t) and geometric VE; an OU time t_S = 0.354 is VP
// time 0.262, DDPM step 261 of 1000 (the example); outside every window when unreachable.
TEST(Process, TimesAtANoiseLevelAndDdpmSteps) {
  const Process vp(default_process(ProcessKind::VP)), ou(default_process(ProcessKind::OU)), edm(default_process(ProcessKind::EDM));
  const double s = ou_sigma_tilde(0.354), B = std::log1p(s * s);
  const double t_vp = (-0.1 + std::sqrt(0.01 + 4 * 9.95 * B)) / (2 * 9.95);
  EXPECT_NEAR(vp.time_at_sigma_tilde(s), t_vp, 1e-12);
  EXPECT_NEAR(t_vp, 0.262, 5e-4);
  EXPECT_EQ(ddpm_step(vp, t_vp), 261);
  EXPECT_NEAR(ou.time_at_sigma_tilde(s), 0.354, 1e-12);
  EXPECT_NEAR(edm.time_at_sigma_tilde(s), s, 1e-12);
  for (const double t : {0.01, 0.3, 0.9}) EXPECT_NEAR(vp.time_at_sigma_tilde(vp.sigma_tilde(t)), t, 1e-12);
  EXPECT_EQ(ddpm_step(ou, 0.3), -1);
  // DDPM steps against Ho et al.'s schedule itself: step k has abar_k = prod (1 - beta_i), beta linear 1e-4..0.02.
  double log_abar = 0;
  for (int k = 0; k < 1000; ++k) {
    log_abar += std::log1p(-(1e-4 + (0.02 - 1e-4) * k / 999.0));
    if (k % 111 == 5) EXPECT_EQ(ddpm_step(vp, vp.time_at_sigma_tilde(std::sqrt(std::expm1(-log_abar)))), k) << k;
  }
  EXPECT_TRUE(std::isnan(vp.time_at_sigma_tilde(0)));
}

}  // namespace td
