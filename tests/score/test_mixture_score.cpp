#include "common.hpp"
#include "score/mixture_kernels.hpp"
#include "core/lane_exp.hpp"
#include "score/perturbed_score.hpp"
#include "score/score_set.hpp"

namespace td {
namespace {

GaussianMixture anisotropic_mixture() {
  GaussianMixture g;
  g.weights = Vec(3);
  g.weights << 0.2, 0.5, 0.3;
  g.means = Mat(3, 3);
  g.means << 1.0, -0.5, 0.2, -1.2, 0.3, 0.0, 0.4, 1.1, -0.9;
  g.vars = Mat(3, 3);
  g.vars << 0.3, 0.1, 0.2, 0.05, 0.4, 0.3, 0.0, 0.0, 0.0;  // the third component is a delta
  return g;
}

GaussianMixture line_mixture() {  // d = 1
  GaussianMixture g;
  g.weights = Vec(4);
  g.weights << 0.1, 0.4, 0.3, 0.2;
  g.means = Mat(4, 1);
  g.means << -2.0, -0.5, 0.7, 2.5;
  g.vars = Mat(4, 1);
  g.vars << 0.01, 0.2, 0.0, 0.5;
  return g;
}

}  // namespace

// Score = grad log p, divergence = trace of the Jacobian, Jacobian = grad score: central differences.
TEST(MixtureScore, ScoreDivergenceJacobianMatchFiniteDifferences) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(anisotropic_mixture(), p);
  const Mat X = test::points(8, 3, 11);
  for (double t : {0.01, 0.1, 0.5, 0.9}) {
    Mat S, J, Sp, Sm;
    Vec div, lp, lm;
    s.score_divergence(X, t, S, div);
    for (int i = 0; i < X.rows(); ++i) {
      const RowVec x = X.row(i);
      s.jacobian(x, t, J);
      double h = 1e-5 * std::sqrt(p.sigma2(t));
      double tr = 0;
      for (int j = 0; j < 3; ++j) {
        Mat xp = x, xm = x;
        xp(0, j) += h;
        xm(0, j) -= h;
        s.log_density(xp, t, lp);
        s.log_density(xm, t, lm);
        const double fd = (lp[0] - lm[0]) / (2 * h);
        EXPECT_NEAR(S(i, j), fd, 1e-6 * std::max(1.0, std::abs(fd))) << "t=" << t << " i=" << i << " j=" << j;
        s.score(xp, t, Sp);
        s.score(xm, t, Sm);
        for (int k = 0; k < 3; ++k) {
          const double fdj = (Sp(0, k) - Sm(0, k)) / (2 * h);
          EXPECT_NEAR(J(k, j), fdj, 1e-5 * std::max(1.0, std::abs(fdj)));
        }
        tr += (Sp(0, j) - Sm(0, j)) / (2 * h);
      }
      EXPECT_NEAR(div[i], tr, 1e-5 * std::max(1.0, std::abs(tr)));
      EXPECT_NEAR(div[i], J.trace(), 1e-9 * std::max(1.0, std::abs(tr)));
      EXPECT_LT((J - J.transpose()).norm(), 1e-12 * std::max(1.0, J.norm()));
    }
  }
}

double nmse(const Mat& a, const Mat& b) { return (a - b).squaredNorm() / std::max(b.squaredNorm(), 1e-300); }

// The lane kernel against the scalar oracle: compile-time (d <= 4) and runtime (d = 5) dimensions,
// batch tails (n not a multiple of 8), delta components, points so far out that most
// exponentials underflow, and d = 1024 (whose normalizing constants once overflowed).
TEST(MixtureScore, FastKernelMatchesReference) {
  const Process p(default_process(ProcessKind::VE));
  GaussianMixture wide = ring_mixture(6, 3.0, 0.2, 5);
  wide.vars(1, 3) = 0.7;
  GaussianMixture high = ring_mixture(2, 1.0, 1.0, 1024);
  high.means.setOnes();
  high.means.row(1) *= -1;
  for (const GaussianMixture& g : {anisotropic_mixture(), ring_mixture(8, 2.0, 0.1), line_mixture(), wide, high}) {
    for (int n : {256, 13}) {
      Mat X = test::points(n, g.dim(), 3) * 2.0;
      X.row(n - 1) *= 40.0;  // a far point: exp underflows for all but one component
      for (double t : {0.001, 0.05, 0.5}) {
        const GaussianMixture m = g.marginal(p.alpha(t), p.sigma2(t));
        Mat Sf, Sr;
        Vec df, dr, lf, lr;
        mixture_eval_fast(m, X, &Sf, &df, &lf);
        mixture_eval_reference(m, X, &Sr, &dr, &lr);
        const std::string where = "d=" + std::to_string(g.dim()) + " n=" + std::to_string(n) + " t=" + std::to_string(t);
        EXPECT_LE(nmse(Sf, Sr), 1e-24) << where;
        // div s = sum_k r_k |u_k|^2 - tr - |s|^2 cancels terms of size |s|^2 + tr far from the modes:
        // both implementations round at that scale, so compare relative to it, point by point.
        const double trmax = (1.0 / m.vars.array()).rowwise().sum().maxCoeff();
        double worst = 0;
        for (int i = 0; i < n; ++i)
          worst = std::max(worst, std::abs(df[i] - dr[i]) / (std::abs(dr[i]) + trmax + Sr.row(i).squaredNorm()));
        EXPECT_LE(worst, 1e-14 + 1e-15 * g.dim()) << where;  // sums of d terms round as d eps
        EXPECT_LE(nmse(lf, lr), 1e-24) << where;
        EXPECT_TRUE(Sf.allFinite() && df.allFinite() && lf.allFinite()) << where;
      }
    }
  }
}

// exp(x) on lanes: relative error below 1e-15 on [-708, 0], exactly 0 below, NaN kept.
TEST(MixtureScore, LaneExpMatchesStdExp) {
  double worst = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = -708.0 * i / 200000.0 - 1e-7 * (i % 7);
    if (x < -708.0) continue;
    double in[8], out[8];
    for (int l = 0; l < 8; ++l) in[l] = x * (1.0 - 1e-3 * l);
    store8(out, exp_nonpositive(load8(in)));
    for (int l = 0; l < 8; ++l) worst = std::max(worst, std::abs(out[l] / std::exp(in[l]) - 1.0));
  }
  std::cout << "[ lane exp ] worst relative error " << worst << std::endl;
  EXPECT_LT(worst, 1e-15);
  double in[8] = {-708.5, -745.0, -1e300, -INFINITY, NAN, 0.0, -0.0, -1e-300}, out[8];
  store8(out, exp_nonpositive(load8(in)));
  for (int l = 0; l < 4; ++l) EXPECT_EQ(out[l], 0.0) << in[l];
  EXPECT_TRUE(std::isnan(out[4]));
  EXPECT_EQ(out[5], 1.0);
  EXPECT_EQ(out[6], 1.0);
  EXPECT_EQ(out[7], 1.0);
}

// A target and its collapse models evaluated together share the component work; the result must
// be bit-identical to evaluating each alone, and scores that cannot share are evaluated alone.
TEST(ScoreSet, SharedMixtureEvaluationEqualsSeparate) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore target(ring_mixture(8, 2.0, 0.1), p), m1(test::collapse_ring(8, 2.0, 0.1, 1, 0.25), p),
      m3(test::collapse_ring(8, 2.0, 0.1, 3, 0.5), p), other(ring_mixture(8, 2.5, 0.1), p);
  auto base = std::make_shared<MixtureScore>(ring_mixture(8, 2.0, 0.1), p);
  const PerturbedScore scaled(base, PerturbKind::Scale, 0.1);
  const ScoreSet set({&target, &m1, &scaled, &m3, &other});
  EXPECT_TRUE(target.shares_components_with(m3));
  EXPECT_FALSE(target.shares_components_with(other));
  const Mat X = test::points(61, 2, 9) * 2.0;
  std::vector<Mat> S;
  std::vector<Vec> div;
  for (double t : {0.001, 0.3}) {
    set.score_divergence(X, t, S, div);
    ASSERT_EQ(S.size(), 5u);
    for (size_t i = 0; i < set.size(); ++i) {
      Mat Si;
      Vec di;
      set[i].score_divergence(X, t, Si, di);
      EXPECT_EQ((S[i] - Si).cwiseAbs().maxCoeff(), 0.0) << "score " << i << " t=" << t;
      EXPECT_EQ((div[i] - di).cwiseAbs().maxCoeff(), 0.0) << "score " << i << " t=" << t;
    }
  }
}

TEST(MixtureScore, ResponsibilitiesAndRingConstruction) {
  const GaussianMixture g = ring_mixture(8, 2.0, 0.1);
  EXPECT_NEAR(g.means(2, 0), 0.0, 1e-15);
  EXPECT_NEAR(g.means(2, 1), 2.0, 1e-15);
  const Vec w = collapse_weights(8, 3, 0.5);
  EXPECT_NEAR(w.sum(), 1.0, 1e-15);
  EXPECT_NEAR(w[0], 0.5 / 8, 1e-15);
  EXPECT_NEAR(w[7], (1 - 1.5 / 8) / 5, 1e-15);
  // Separated-mode closed form, eq. 55, equals the general eq. 53 for the construction.
  const double K = 8, m = 3, a = 0.5;
  EXPECT_NEAR(relvar_separated_uniform(w), m * (K - m) / (K * K) * std::pow(std::log(a * (K - m) / (K - m * a)), 2), 1e-14);
  Mat R;
  mixture_responsibilities(g, g.means.topRows(2), R);
  EXPECT_NEAR(R(0, 0), 1.0, 1e-12);
  EXPECT_NEAR(R(1, 1), 1.0, 1e-12);
}

TEST(PerturbedScore, RotationIsDivergenceFreeAndNotAGradient) {
  const Process p(default_process(ProcessKind::VP));
  auto base = std::make_shared<MixtureScore>(ring_mixture(4, 1.0, 0.3), p);
  const PerturbedScore rot(base, PerturbKind::Rotate, 0.3);
  const Mat X = test::points(4, 2, 5);
  const double t = 0.2, h = 1e-6;
  for (int i = 0; i < 4; ++i) {
    Mat J;
    rot.jacobian(X.row(i), t, J);
    // Finite-difference divergence of the rotated field equals the base divergence.
    double tr = 0;
    for (int j = 0; j < 2; ++j) {
      Mat xp = X.row(i), xm = X.row(i), Sp, Sm;
      xp(0, j) += h;
      xm(0, j) -= h;
      rot.score(xp, t, Sp);
      rot.score(xm, t, Sm);
      tr += (Sp(0, j) - Sm(0, j)) / (2 * h);
    }
    Mat S;
    Vec div;
    rot.score_divergence(X.row(i), t, S, div);
    EXPECT_NEAR(div[0], tr, 1e-5 * std::max(1.0, std::abs(tr)));
    EXPECT_GT(std::abs(J(0, 1) - J(1, 0)), 1e-3);  // curl != 0: not a gradient field
  }
}

}  // namespace td
