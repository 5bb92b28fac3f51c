// The convergence harness: every integrator of sim/integrators.hpp's table, its order fitted over
// step halvings against the order it declares — strong orders on the same Brownian paths, weak orders
// of the stochastic schemes exactly: on Gaussian data N(0, c) with its exact (linear) score, one step
// of each scheme is x' = A x + B z, read off the step itself at (x, z) = (1, 0) and (0, 1), so E x^2
// follows m' = A^2 m + B^2 with no Monte Carlo noise.
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/edm_samplers.hpp"
#include "common.hpp"
#include "core/time_grid.hpp"
#include "score/mixture_score.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/integrators.hpp"
#include "sim/noise.hpp"

namespace td {
namespace {

// Error of the method at step h for h = H, H/2, H/4, ...: the least-squares slope of ln error on
// ln h over the levels, printed with the errors.
double harness(const std::string& name, int levels, const std::function<double(int level)>& error_at) {
  std::vector<double> h, e;
  for (int l = 0; l < levels; ++l) {
    h.push_back(std::ldexp(1.0, -l));
    e.push_back(error_at(l));
  }
  const double order = test::fit_order(h, e);
  std::printf("  %-16s errors", name.c_str());
  for (double x : e) std::printf(" %.3e", x);
  std::printf("  -> fitted order %.3f\n", order);
  return order;
}

// y' = -2 t y on [0, 1], three rows: y(1) = y0 e^{-1}.
const BatchRhs kGaussianDecay = [](const Mat& Y, const Vec& t, Mat& K) {
  K = Y;
  for (Eigen::Index i = 0; i < Y.rows(); ++i) K.row(i) *= -2.0 * (t.size() == 1 ? t[0] : t[i]);
};
const Mat kY0 = (Mat(3, 2) << 1.0, -2.0, 0.5, 3.0, -1.5, 0.25).finished();

double ode_error(const std::string& method, int steps) {
  const double h = 1.0 / steps;
  Mat Y = kY0, Yn, Err, K0, K6;
  for (int s = 0; s < steps; ++s) {
    const double t = s * h;
    if (method == "heun") {
      heun_step(kGaussianDecay, Y, t, h, Yn);
    } else if (method == "rk4") {
      rk4_step(kGaussianDecay, Y, Vec::Constant(1, t), h, Vec::Constant(1, t + h), Yn);
    } else {  // dopri5 at a fixed step
      kGaussianDecay(Y, Vec::Constant(Y.rows(), t), K0);
      dopri5_step(kGaussianDecay, Y, Vec::Constant(Y.rows(), t), Vec::Constant(Y.rows(), h), K0, Yn, Err, K6);
    }
    Y.swap(Yn);
  }
  return (Y - kY0 * std::exp(-1.0)).cwiseAbs().maxCoeff();
}

// The VP forward process on [t_min, 1].
const Process kVp(default_process(ProcessKind::VP));

// Strong error of Euler-Maruyama: rms over paths of |x_h(T) - x_ref(T)|, every level driven by the same
// Brownian paths (RefinedNoise sums the finest level's increments), the reference 2^8 times finer
// than the coarsest level.
double em_strong_error(int level) {
  const int paths = 512, d = 2, coarse = 8, finest = 8, steps = coarse << level;
  std::vector<uint64_t> ids(paths);
  for (int i = 0; i < paths; ++i) ids[size_t(i)] = uint64_t(i);
  auto run = [&](int n_steps, int refine) {
    const RefinedNoise noise({11, Stream::Forward}, refine);
    const double t0 = kVp.t_min(), dt = (kVp.T() - t0) / n_steps;
    Mat X = Mat::Constant(paths, d, 1.0), Xn, Z;
    for (int s = 0; s < n_steps; ++s) {
      noise.fill(ids.data(), paths, uint64_t(s), d, Z);
      em_forward_step(kVp, t0 + s * dt, dt, X, Z, Xn);
      X.swap(Xn);
    }
    return X;
  };
  const Mat ref = run(coarse << finest, 0);  // the finest grid: 2^8 times the coarsest
  const Mat x = run(steps, finest - level);
  return std::sqrt((x - ref).rowwise().squaredNorm().mean());
}

// Weak error of Euler-Maruyama in the mean: E x_n is the product of (1 + a dt) x_0 exactly (the noise
// has mean zero), against alpha(T)/alpha(t_min) x_0.
double em_weak_error(int level) {
  const int steps = 8 << level;
  const double t0 = kVp.t_min(), dt = (kVp.T() - t0) / steps;
  Mat X = Mat::Constant(1, 1, 1.0), Xn, Z = Mat::Zero(1, 1);
  for (int s = 0; s < steps; ++s) {
    em_forward_step(kVp, t0 + s * dt, dt, X, Z, Xn);
    X.swap(Xn);
  }
  return std::abs(X(0, 0) - kVp.alpha(kVp.T()) / kVp.alpha(t0));
}

// The exact step's joint moments (Process::step_noise) composed over 2^level steps against one
// step, for every process: x' = a x + I2 and I1 = int g dW compose as a = a_A a_B,
// Var I2 = a_B^2 Var I2_A + Var I2_B, w = w_A + w_B, Cov = a_B Cov_A + Cov_B.
double exact_transition_error(int level) {
  double worst = 0;
  for (ProcessKind k : {ProcessKind::VP, ProcessKind::OU, ProcessKind::VE, ProcessKind::VESong, ProcessKind::EDM}) {
    const Process p(default_process(k));
    const int steps = 1 << level;
    const double t0 = p.t_min(), dt = (p.T() - t0) / steps;
    StepNoise c{1, 0, 0, 0};
    for (int s = 0; s < steps; ++s) {
      const StepNoise b = p.step_noise(t0 + s * dt, s + 1 == steps ? p.T() : t0 + (s + 1) * dt);
      c = {c.a * b.a, c.w + b.w, b.a * b.a * c.var2 + b.var2, b.a * c.cov + b.cov};
    }
    const StepNoise one = p.step_noise(t0, p.T());
    const double scale = std::max(1.0, one.w);
    worst = std::max({worst, std::abs(c.a - one.a), std::abs(c.w - one.w) / scale, std::abs(c.var2 - one.var2) / scale,
                      std::abs(c.cov - one.cov) / scale});
  }
  return worst;
}

constexpr double kC = 0.3;  // the data N(0, kC) of the weak-order cases

// A stochastic step x' = A x + B z, given by evaluating it on the rows (x, z) = (1, 0) and (0, 1).
using AffineStep = std::function<void(const Mat& X, const Mat& Z, Mat& Xn)>;
std::pair<double, double> affine(const AffineStep& step) {
  const Mat X = (Mat(2, 1) << 1.0, 0.0).finished(), Z = (Mat(2, 1) << 0.0, 1.0).finished();
  Mat Xn;
  step(X, Z, Xn);
  return {Xn(0, 0), Xn(1, 0)};
}

// Weak error of the reverse SDE by reverse_step in E x^2 at t_min, from the exact p_T on a uniform grid:
// against the exact alpha^2 c + sigma^2.
double reverse_weak_error(ReverseScheme scheme, int steps) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore score(test::isotropic_gaussian(1, kC), p);
  const TimeGrid grid(p.t_min(), p.T(), steps);
  double m = p.alpha(p.T()) * p.alpha(p.T()) * kC + p.sigma2(p.T());
  for (int s = steps - 1; s >= 0; --s) {
    const auto [A, B] = affine([&](const Mat& X, const Mat& Z, Mat& Xn) {
      Mat S;
      reverse_step(scheme, p, score, grid.t(s + 1), grid.t(s), X, Z, S, Xn);
    });
    m = A * A * m + B * B;
  }
  return std::abs(m - (p.alpha(p.t_min()) * p.alpha(p.t_min()) * kC + p.sigma2(p.t_min())));
}

// The same for the fused cloning sample's step (sim/fused_cloning.hpp), as the CPU lanes and CUDA run
// it: A with the step's noise coefficients zeroed, B from x = 0 divided by the normal it drew.
double fused_weak_error(ReverseScheme scheme, int steps) {
  const Process p(default_process(ProcessKind::VP));
  const TimeGrid grid(p.t_min(), p.T(), steps);
  const FusedCloningSetup setup(test::isotropic_gaussian(1, kC), p, grid, {}, scheme, 5, 1 << 20);
  FusedCloningProblem silent = setup.problem();
  std::vector<ReverseCoef> quiet(setup.problem().step, setup.problem().step + steps);
  for (ReverseCoef& c : quiet) c.em_noise = c.sw = 0;
  silent.step = quiet.data();
  double m = p.alpha(p.T()) * p.alpha(p.T()) * kC + p.sigma2(p.T());
  std::array<double, 8> w{};
  double r[2];
  for (int s = steps - 1; s >= 0; --s) {
    double x = 1;
    cloning_detail::reverse_step(silent, s, 0, 0, 0, &x, w.data(), 1, r);
    const double A = x, z = cloning_detail::step_normal(setup.problem(), 0, 0, 0, s, 0);
    x = 0;
    cloning_detail::reverse_step(setup.problem(), s, 0, 0, 0, &x, w.data(), 1, r);
    m = A * A * m + (x / z) * (x / z);
  }
  return std::abs(m - (p.alpha(p.t_min()) * p.alpha(p.t_min()) * kC + p.sigma2(p.t_min())));
}

// EDM's samplers (sim/edm_samplers.hpp, edm_level_step) on Karras's rho = 7 levels from 80 to 0.002 (the
// stochastic one with churn 10 in [0.05, 50], noise 1.003), as sample_schedules steps them: E x^2 at
// sigma_min from the prior N(0, 80^2).
double edm_moment(EdmSampler sampler, int levels) {
  const Process p(default_process(ProcessKind::EDM));
  const MixtureScore score(test::isotropic_gaussian(1, kC), p);
  const double smax = 80, smin = 0.002, rho = 7, churn = 10;
  const double gamma = sampler == EdmSampler::Stochastic ? std::min(churn / (levels - 1), std::sqrt(2.0) - 1) : 0.0;
  std::vector<double> sg(static_cast<size_t>(levels));
  for (int i = 0; i < levels; ++i)
    sg[size_t(i)] = std::pow(std::pow(smax, 1 / rho) + i / double(levels - 1) * (std::pow(smin, 1 / rho) - std::pow(smax, 1 / rho)), rho);
  double m = smax * smax;
  for (int i = 0; i + 1 < levels; ++i) {
    const double g = sg[size_t(i)] >= 0.05 && sg[size_t(i)] <= 50 ? gamma : 0.0;
    const auto [A, B] = affine([&](const Mat& X, const Mat& Z, Mat& Xn) {
      edm_level_step(score, sampler, X, Z, Vec::Constant(2, sg[size_t(i)]), Vec::Constant(2, sg[size_t(i) + 1]), Vec::Constant(2, g),
                     1.003, Xn);
    });
    m = A * A * m + B * B;
  }
  return m;
}

}  // namespace

// Every integrator of the table has a case here; each case fits the order it measures over halvings.
TEST(Integrators, EveryOrderDeclaredIsTheOrderMeasured) {
  test::print_seed(11);
  const double edm_fine = edm_moment(EdmSampler::Stochastic, 16 << 9), euler_fine = edm_moment(EdmSampler::Euler, 16 << 12);
  const std::map<std::string, std::function<double()>> measure = {
      {"heun", [] { return harness("heun", 5, [](int l) { return ode_error("heun", 4 << l); }); }},
      {"rk4", [] { return harness("rk4", 4, [](int l) { return ode_error("rk4", 16 << l); }); }},
      {"dopri5", [] { return harness("dopri5", 3, [](int l) { return ode_error("dopri5", 16 << l); }); }},
      {"euler-maruyama", [] { return harness("em (strong)", 4, em_strong_error); }},
      {"reverse-euler-maruyama", [] { return harness("reverse em", 5, [](int l) { return reverse_weak_error(ReverseScheme::EulerMaruyama, 16 << l); }); }},
      {"reverse-heun", [] { return harness("reverse heun", 5, [](int l) { return reverse_weak_error(ReverseScheme::Heun, 16 << l); }); }},
      {"fused-cloning-euler-maruyama", [] { return harness("fused em", 5, [](int l) { return fused_weak_error(ReverseScheme::EulerMaruyama, 16 << l); }); }},
      {"fused-cloning-heun", [] { return harness("fused heun", 5, [](int l) { return fused_weak_error(ReverseScheme::Heun, 16 << l); }); }},
      {"edm-churn", [&] { return harness("edm churn", 5, [&](int l) { return std::abs(edm_moment(EdmSampler::Stochastic, 16 << l) - edm_fine); }); }},
      {"edm-euler", [&] { return harness("edm euler", 5, [&](int l) { return std::abs(edm_moment(EdmSampler::Euler, 16 << l) - euler_fine); }); }},
  };
  for (const IntegratorOrder& o : integrators()) {
    const std::string name = o.name;
    if (name == "exact-transition") {
      for (int l = 0; l < 6; ++l) EXPECT_LT(exact_transition_error(l), 1e-12) << "level " << l;
      EXPECT_TRUE(std::isinf(o.strong) && std::isinf(o.weak));
      continue;
    }
    ASSERT_TRUE(measure.count(name)) << "no case in the harness for the integrator " << name;
    const double order = measure.at(name)();
    if (name == "euler-maruyama") {
      // Declared: strong 1/2 in general; the forward processes' noise is additive, where it is 1.
      EXPECT_GE(order, o.strong - 0.1);
      EXPECT_NEAR(order, 1.0, 0.2);
      EXPECT_NEAR(harness("em (weak, mean)", 5, em_weak_error), o.weak, 0.15);
    } else {
      const double declared = std::isnan(o.strong) ? o.weak : o.strong;
      EXPECT_NEAR(order, declared, 0.3) << name << " (" << o.used_for << ")";
    }
  }
}

}  // namespace td
