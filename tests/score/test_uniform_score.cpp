// The exact score of uniform [0,1)^d data (FORMULAS §3 ground truth): score and divergence against
// finite differences of the log-density, its normalization, the PF-ODE NLL with its own prior, and
// dequantized 8-bit data at 8 bits/dim.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/stats.hpp"
#include "observe/likelihood.hpp"
#include "score/uniform_score.hpp"

namespace td {
namespace {

TEST(UniformScore, ScoreAndDivergenceMatchFiniteDifferences) {
  for (ProcessKind k : {ProcessKind::VE, ProcessKind::VP}) {
    const Process p(default_process(k));
    const UniformScore u(3, p);
    for (double t : {0.002, 0.05, 0.5}) {
      Mat X = test::points(8, 3, 41) * (0.5 * p.sigma(t)) ;
      X.array() += 0.5 * p.alpha(t);  // around the interval's centre, a few sigma either side
      X.row(0) << -2 * p.sigma(t), 1.01 * p.alpha(t), 0.3 * p.alpha(t);  // outside on both sides
      Mat S;
      Vec div, lp, lpp, lpm;
      u.score_divergence(X, t, S, div);
      const double h = 1e-5 * std::max(p.sigma(t), 1e-3);
      Vec fd_div = Vec::Zero(X.rows());
      for (int j = 0; j < 3; ++j) {
        Mat Xp = X, Xm = X, Sp, Sm;
        Xp.col(j).array() += h;
        Xm.col(j).array() -= h;
        u.log_density(Xp, t, lpp);
        u.log_density(Xm, t, lpm);
        const Vec fd = (lpp - lpm) / (2 * h);
        EXPECT_LT((fd - S.col(j)).cwiseAbs().maxCoeff(), 1e-6 * (1 + S.col(j).cwiseAbs().maxCoeff())) << t;
        u.score(Xp, t, Sp);
        u.score(Xm, t, Sm);
        fd_div += (Sp.col(j) - Sm.col(j)) / (2 * h);
      }
      EXPECT_LT((fd_div - div).cwiseAbs().maxCoeff(), 1e-5 * (1 + div.cwiseAbs().maxCoeff())) << t;
    }
  }
}

// p_t integrates to 1 (1-D, trapezoid on a wide fine grid).
TEST(UniformScore, DensityIsNormalized) {
  const Process p(default_process(ProcessKind::VP));
  const UniformScore u(1, p);
  for (double t : {0.001, 0.1, 0.7}) {
    const double lo = -8 * p.sigma(t), hi = p.alpha(t) + 8 * p.sigma(t);
    const int n = 200001;
    Mat X(n, 1);
    for (int i = 0; i < n; ++i) X(i, 0) = lo + (hi - lo) * i / (n - 1);
    Vec lp;
    u.log_density(X, t, lp);
    const Vec q = lp.array().exp();
    const double integral = (q.sum() - 0.5 * (q[0] + q[n - 1])) * (hi - lo) / (n - 1);
    EXPECT_NEAR(integral, 1.0, 1e-6) << t;
  }
}

// Dequantized 8-bit data x = (k + u)/256 are U[0,1); with the exact score and the exact p_T as
// prior the PF-ODE NLL is -ln p_t_min(x) per sample; its mean is within 4 SE of d E[-ln p_t_min(u)]
// (a 1-D integral, ~0: the smoothing only matters within sigma(t_min) of the faces), i.e. 8 bits/dim.
TEST(UniformScore, DequantizedDataAtEightBitsPerDim) {
  const Process p(default_process(ProcessKind::VE));
  const int d = 4, n = 256;
  const UniformScore u(d, p);
  Mat U;
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
  uniform_block({51, Stream::User}, ids.data(), n, 0, 2 * d, U);
  test::print_seed(51);
  Mat X(n, d);  // k uniform on 0..255, then uniform dequantization
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = (std::floor(256 * U(i, j)) + U(i, d + j)) / 256.0;
  const LogPriorFn own = [&](const Mat& XT, Vec& lp) { u.log_density(XT, p.T(), lp); };
  NllOptions o;
  o.rtol = o.atol = 1e-7;
  const NllResult r = pf_ode_nll(p, u, X, o, own);
  Vec lp;
  u.log_density(X, p.t_min(), lp);
  EXPECT_LT((r.nll + lp).cwiseAbs().maxCoeff(), 1e-5);
  Moments m;
  for (int i = 0; i < n; ++i) m.add(r.nll[i]);
  // Expected: d E_u[-ln p_t_min(u)] for u ~ U[0,1) (per-coordinate 1-D integral, fine trapezoid).
  const UniformScore u1(1, p);
  const int q = 400001;
  Mat G(q, 1);
  for (int i = 0; i < q; ++i) G(i, 0) = double(i) / (q - 1);
  Vec lg;
  u1.log_density(G, p.t_min(), lg);
  const double expected = -d * (lg.sum() - 0.5 * (lg[0] + lg[q - 1])) / (q - 1);
  const double bpd = bits_per_dim(m.mean(), d);
  std::printf("NLL %.5f +- %.5f nats (expected %.5f), %.5f bits/dim (expected %.5f)\n", m.mean(), m.mean_se(), expected,
              bpd, bits_per_dim(expected, d));
  EXPECT_LT(std::abs(m.mean() - expected), 4 * m.mean_se());
  EXPECT_DOUBLE_EQ(bits_per_dim(0.0, 3), 8.0);
  EXPECT_DOUBLE_EQ(bits_per_dim(3 * std::log(2.0), 3), 9.0);
}

}  // namespace
}  // namespace td
