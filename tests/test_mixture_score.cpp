#include "common.hpp"
#include "score/mixture_kernels.hpp"
#include "score/perturbed_score.hpp"

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

Mat test_points(int n, int d, uint64_t seed) {
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = uint64_t(i);
  Mat X;
  normal_block({seed, Stream::User}, ids.data(), n, 0, d, X);
  return X;
}

}  // namespace

// Score = grad log p, divergence = trace of the Jacobian, Jacobian = grad score: central differences.
TEST(MixtureScore, ScoreDivergenceJacobianMatchFiniteDifferences) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(anisotropic_mixture(), p);
  const Mat X = test_points(8, 3, 11);
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

TEST(MixtureScore, FastKernelMatchesReference) {
  const Process p(default_process(ProcessKind::VE));
  const GaussianMixture g0 = ring_mixture(8, 2.0, 0.1);
  for (const GaussianMixture& g : {anisotropic_mixture(), g0}) {
    const Mat X = test_points(256, g.dim(), 3) * 2.0;
    for (double t : {0.001, 0.05, 0.5}) {
      const GaussianMixture m = g.marginal(p.alpha(t), p.sigma2(t));
      Mat Sf, Sr;
      Vec df, dr, lf, lr;
      mixture_eval_fast(m, X, &Sf, &df, &lf);
      mixture_eval_reference(m, X, &Sr, &dr, &lr);
      EXPECT_LE(nmse(Sf, Sr), 1e-12) << "t=" << t;
      EXPECT_LE(nmse(df, dr), 1e-12) << "t=" << t;
      EXPECT_LE(nmse(lf, lr), 1e-12) << "t=" << t;
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
  const Mat X = test_points(4, 2, 5);
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
