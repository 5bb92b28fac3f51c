// Time grids (process/grids.hpp) and the exact forward step's joint draws (sim/ensemble.hpp).
#include <cmath>

#include "common.hpp"
#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "core/stats.hpp"
#include "process/grids.hpp"
#include "sim/ensemble.hpp"

namespace td {

// Each kind's nodes in closed form: uniform in t, geometric in t, uniform in sigma^(1/rho).
TEST(Grids, EveryKindPlacesItsNodesAsDefined) {
  const Process edm(default_process(ProcessKind::EDM));  // sigma/alpha = t
  const double a = edm.t_min(), b = edm.T();
  const TimeGrid u = make_grid(edm, {GridKind::Uniform, 8, 7});
  const TimeGrid g = make_grid(edm, {GridKind::Geometric, 8, 7});
  const TimeGrid s = make_grid(edm, {GridKind::Sigma, 8, 7});
  for (int n = 0; n <= 8; ++n) {
    EXPECT_NEAR(u.t(n), a + (b - a) * n / 8, 1e-12);
    EXPECT_NEAR(g.t(n), a * std::pow(b / a, n / 8.0), 1e-12 * b);
    const double r = std::pow(a, 1 / 7.0) + n / 8.0 * (std::pow(b, 1 / 7.0) - std::pow(a, 1 / 7.0));
    EXPECT_NEAR(s.t(n), std::pow(r, 7.0), 1e-12 * b);
  }
  // VP: the sigma grid inverts sigma/alpha (bisection) to the resolution of a double.
  const Process vp(default_process(ProcessKind::VP));
  const TimeGrid v = make_grid(vp, {GridKind::Sigma, 50, 7});
  const double lo = std::pow(vp.sigma_tilde(vp.t_min()), 1 / 7.0), hi = std::pow(vp.sigma_tilde(vp.T()), 1 / 7.0);
  for (int n = 1; n < 50; ++n)
    EXPECT_NEAR(std::pow(vp.sigma_tilde(v.t(n)), 1 / 7.0), lo + (hi - lo) * n / 50, 1e-12);
  EXPECT_LT(v.dt(0), v.dt(49) / 10);  // dense near t_min
  // log_sigma: uniform in ln(sigma/alpha), also where sigma/alpha overflows a double (OU, T = 800).
  const Process ou(process_on(ProcessKind::OU, 1e-3, 800.0));
  const TimeGrid l = make_grid(ou, {GridKind::LogSigma, 40, 7});
  const double la = ou.log_sigma_tilde(ou.t_min()), lb = ou.log_sigma_tilde(ou.T());
  for (int n = 0; n <= 40; ++n) EXPECT_NEAR(ou.log_sigma_tilde(l.t(n)), la + (lb - la) * n / 40, 1e-9 * std::abs(lb));
  EXPECT_THROW(make_grid(ou, {GridKind::Sigma, 40, 1}), InputError);  // s^(1/rho) beyond range: said, not NaN
  EXPECT_EQ(v.t_min(), vp.t_min());
  EXPECT_EQ(v.T(), vp.T());
}

// mixed: the rate integrals' grid before [grid] (half geometric, half uniform; shared ends merged).
TEST(Grids, MixedKindIsHalfGeometricHalfUniform) {
  const Process vp(default_process(ProcessKind::VP));
  const TimeGrid m = make_grid(vp, {GridKind::Mixed, 59, 7});
  EXPECT_EQ(m.times(), mixed_grid(vp.t_min(), vp.T(), 60));
  EXPECT_EQ(m.times().size(), 58u);  // 30 geometric + 30 uniform, t_min and T in both
  EXPECT_EQ(parse_grid_kind("mixed"), GridKind::Mixed);
  EXPECT_THROW(make_grid(Process(process_on(ProcessKind::EDM, 0.0, 80.0)), {GridKind::Mixed, 10, 7}), InputError);
}

TEST(Grids, CoarsenedRefinedAndExtraNodes) {
  const TimeGrid g(std::vector<double>{0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.1});
  const TimeGrid c = g.coarsened();
  EXPECT_EQ(c.times(), (std::vector<double>{0, 0.3, 1.0, 2.1}));
  const TimeGrid odd(std::vector<double>{0, 1, 2, 3});
  EXPECT_EQ(odd.coarsened().times(), (std::vector<double>{0, 2, 3}));
  const TimeGrid r = g.refined(2);
  EXPECT_EQ(r.steps(), 12);
  EXPECT_NEAR(r.t(1), 0.05, 1e-15);
  EXPECT_EQ(r.coarsened().times(), g.times());
  const TimeGrid e = g.with_nodes({0.45, 0.3, 2.1, 5.0});
  EXPECT_EQ(e.steps(), 7);  // only 0.45 is new: 0.3 and 2.1 are nodes, 5.0 is outside
  EXPECT_EQ(e.node_of(0.45), 3);
  EXPECT_EQ(e.node_of(0.44), -1);
  // Even nodes: 0.45 lands at index 3 above, so the step before it is split (0.375); that moves 1.5
  // from 6 to 7, so the step before it is split too (1.25); the coarsened grid keeps both.
  const TimeGrid ev = g.with_even_nodes({1.5, 0.45});
  EXPECT_EQ(ev.node_of(0.45) % 2, 0);
  EXPECT_EQ(ev.node_of(1.5) % 2, 0);
  EXPECT_GE(ev.coarsened().node_of(0.45), 0);
  EXPECT_GE(ev.coarsened().node_of(1.5), 0);
  EXPECT_EQ(ev.steps(), g.steps() + 3);  // 0.45 added, and two splits
  EXPECT_EQ(ev.node_of(1.25), 7);
}

TEST(Grids, BadGridsAreErrors) {
  const Process ou(process_on(ProcessKind::OU, 0.0, 5.0));
  EXPECT_THROW(make_grid(ou, {GridKind::Geometric, 10, 7}), InputError);  // t_min = 0
  EXPECT_NO_THROW(make_grid(ou, {GridKind::Sigma, 10, 7}));
  EXPECT_THROW(make_grid(ou, {GridKind::Sigma, 10, 0.5}), InputError);
  EXPECT_THROW(TimeGrid(std::vector<double>{0, 1, 1}), InputError);
  EXPECT_THROW(TimeGrid(1.0, 1.0, 4), InputError);
  EXPECT_THROW(parse_grid_kind("log"), InputError);
}

// The joint law of (int g dW, x' - a x) drawn by the ensemble's step against the moments of
// FORMULAS §2.3b, on a large step where the correlation is far from 1; and against a fine
// Euler-Maruyama sub-stepping of the same SDE (an independent route to the same moments).
TEST(Grids, ExactStepDrawsTheJointGaussianOfThePrePointIncrement) {
  const uint64_t seed = 31;
  test::print_seed(seed);
  for (ProcessKind k : {ProcessKind::VP, ProcessKind::OU, ProcessKind::EDM}) {
    const Process p(default_process(k));
    const double t0 = 0.3, t1 = k == ProcessKind::EDM ? 2.0 : 0.9;
    const StepNoise sn = p.step_noise(t0, t1);
    const int n = 1 << 16, d = 2;
    std::vector<uint64_t> ids(n);
    for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
    const Mat X = Mat::Zero(n, d);
    Mat dW, Xn;
    exact_forward_step(p, sn, ids.data(), n, 0, PhiloxNoise({seed, Stream::Forward}), X, dW, Xn);
    // Fine Euler-Maruyama with the same pre-point increment accumulated: I1 = sum g dW, I2 = x.
    const int fine = 4000;
    const double h = (t1 - t0) / fine;
    Mat x = Mat::Zero(n, 1), i1 = Mat::Zero(n, 1), z;
    const PhiloxNoise em_noise({seed, Stream::Reverse});
    for (int s = 0; s < fine; ++s) {
      const double t = t0 + (s + 0.5) * h;  // midpoint coefficients: exact to O(h^2) for smooth g
      em_noise.fill(ids.data(), n, uint64_t(s), 1, z);
      const double gw = std::sqrt(p.g2(t) * h);
      i1 += gw * z;
      x = (1 + p.drift_coef(t) * h) * x + gw * z;
    }
    Moments v1, v2, c12, e1, e2, ec;
    for (int i = 0; i < n; ++i) {
      v1.add(dW(i, 0) * dW(i, 0)), v2.add(Xn(i, 0) * Xn(i, 0)), c12.add(dW(i, 0) * Xn(i, 0));
      e1.add(i1(i, 0) * i1(i, 0)), e2.add(x(i, 0) * x(i, 0)), ec.add(i1(i, 0) * x(i, 0));
    }
    std::cout << "  " << process_kind_name(k) << ": w " << sn.w << " drawn " << v1.mean() << " EM " << e1.mean()
              << "; var2 " << sn.var2 << " drawn " << v2.mean() << " EM " << e2.mean() << "; cov " << sn.cov << " drawn "
              << c12.mean() << " EM " << ec.mean() << std::endl;
    EXPECT_NEAR(v1.mean(), sn.w, 4 * v1.mean_se());
    EXPECT_NEAR(v2.mean(), sn.var2, 4 * v2.mean_se());
    EXPECT_NEAR(c12.mean(), sn.cov, 4 * c12.mean_se());
    EXPECT_NEAR(e1.mean(), sn.w, 4 * e1.mean_se() + 1e-3 * sn.w);
    EXPECT_NEAR(e2.mean(), sn.var2, 4 * e2.mean_se() + 1e-3 * sn.var2);
    EXPECT_NEAR(ec.mean(), sn.cov, 4 * ec.mean_se() + 1e-3 * sn.w);
    if (k != ProcessKind::EDM) EXPECT_LT(sn.cov * sn.cov / (sn.w * sn.var2), 0.99);  // a real correlation, not I1 = I2
  }
}

}  // namespace td

namespace td {

// CoarsenedNoise: coarse step k's increment sqrt(w_a + w_b) z_c is exactly the sum of the fine
// increments sqrt(w_a) z_a + sqrt(w_b) z_b (so a coarse run sees the same Brownian path), a last
// odd step is passed through, and z_c is standard normal (mean 0, variance 1 within 4 SE).
TEST(Grids, CoarsenedNoiseSumsTheFineIncrements) {
  const uint64_t seed = 37;
  test::print_seed(seed);
  const PhiloxNoise fine({seed, Stream::Forward});
  const std::vector<double> w = {0.3, 1.7, 0.01, 2.0, 0.5};  // 5 fine steps: coarse steps 0, 1, 2 (alone)
  const CoarsenedNoise coarse(fine, w);
  const int n = 1 << 14, d = 3;
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
  Mat za, zb, zc;
  for (int k = 0; k < 2; ++k) {
    fine.fill(ids.data(), n, uint64_t(2 * k), d, za);
    fine.fill(ids.data(), n, uint64_t(2 * k + 1), d, zb);
    coarse.fill(ids.data(), n, uint64_t(k), d, zc);
    const Mat sum = std::sqrt(w[size_t(2 * k)]) * za + std::sqrt(w[size_t(2 * k + 1)]) * zb;
    EXPECT_LT((std::sqrt(w[size_t(2 * k)] + w[size_t(2 * k + 1)]) * zc - sum).cwiseAbs().maxCoeff(), 1e-12);
    Moments m, v;
    for (Eigen::Index i = 0; i < zc.size(); ++i) m.add(zc.data()[i]), v.add(zc.data()[i] * zc.data()[i]);
    EXPECT_NEAR(m.mean(), 0.0, 4 * m.mean_se());
    EXPECT_NEAR(v.mean(), 1.0, 4 * v.mean_se());
  }
  fine.fill(ids.data(), n, 4, d, za);
  coarse.fill(ids.data(), n, 2, d, zc);
  EXPECT_EQ(zc, za);
}

}  // namespace td
