// The convergence harness: every integrator of sim/integrators.hpp, its order fitted over step
// halvings (on the same noise for the stochastic ones) against the order it declares.
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "common.hpp"
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

}  // namespace

TEST(Integrators, EveryOrderDeclaredIsTheOrderMeasured) {
  test::print_seed(11);
  std::map<std::string, double> measured;
  measured["heun"] = harness("heun", 5, [](int l) { return ode_error("heun", 4 << l); });
  measured["rk4"] = harness("rk4", 4, [](int l) { return ode_error("rk4", 16 << l); });
  measured["dopri5"] = harness("dopri5", 3, [](int l) { return ode_error("dopri5", 16 << l); });
  const double em_strong = harness("em (strong)", 4, em_strong_error);
  const double em_weak = harness("em (weak, mean)", 5, em_weak_error);
  for (const IntegratorOrder& o : integrators()) {
    const std::string name = o.name;
    if (name == "euler-maruyama") {
      // Declared: strong 1/2 in general; the forward processes' noise is additive, where it is 1.
      EXPECT_GE(em_strong, o.strong - 0.1);
      EXPECT_NEAR(em_strong, 1.0, 0.2);
      EXPECT_NEAR(em_weak, o.weak, 0.15);
    } else if (name == "exact-transition") {
      for (int l = 0; l < 6; ++l) EXPECT_LT(exact_transition_error(l), 1e-12) << "level " << l;
      EXPECT_TRUE(std::isinf(o.strong) && std::isinf(o.weak));
    } else {
      ASSERT_TRUE(measured.count(name)) << "no harness for " << name;
      EXPECT_NEAR(measured[name], o.strong, 0.3) << name;
    }
  }
}

}  // namespace td
