// Fixed points of the exact score and their bifurcations (FORMULAS §5.2): the two-point merge time
// against the Curie-Weiss closed form, self-consistency x* = alpha sum r_k mu_k along every branch,
// stability from the Jacobian against the dynamics, and the merge tree's shape.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/fixed_points.hpp"
#include "score/mixture_kernels.hpp"

namespace td {
namespace {

// Two deltas at +-v (|v| = 1.5, d = 3): one merge, at alpha^2 |v|^2 = sigma^2 (OU: 1/2 ln(1 + |v|^2);
// VE: sigma = |v|), with lambda_max ~ 0 there (a pitchfork), and both leaves stable before it.
TEST(FixedPoints, TwoPointBifurcationIsCurieWeiss) {
  Mat Y(2, 3);
  Y << 1.2, 0.9, 0.0, -1.2, -0.9, 0.0;
  const GaussianMixture g = test::delta_mixture(Y, Vec::Ones(2));
  const double v = Y.row(0).norm();
  for (ProcessKind kind : {ProcessKind::OU, ProcessKind::VE}) {
    const Process p(default_process(kind));
    FixedPointOptions o;
    o.nodes = 60;
    const FixedPointTree tree = fixed_point_tree(g, p, o);
    ASSERT_EQ(tree.branches.size(), 3u);
    const FixedPointBranch& root = tree.branches[2];
    const double tc = two_point_critical_time(p, v);
    std::printf("%s: merge at t = %.8f, closed form %.8f, lambda_max there %.2e, unconverged %d\n",
                process_kind_name(kind).c_str(), root.t_start, tc, root.lambda_at_merge, tree.unconverged);
    if (kind == ProcessKind::OU) {
      EXPECT_NEAR(tc, 0.5 * std::log(1 + v * v), 1e-12);
    }
    EXPECT_NEAR(root.t_start, tc, 1e-5 * tc);
    EXPECT_LT(std::abs(root.lambda_at_merge), 1e-3 * p.alpha(tc) * p.alpha(tc) / p.sigma2(tc));
    EXPECT_EQ(root.children, (std::vector<int>{0, 1}));
    EXPECT_EQ(root.members, (std::vector<int>{0, 1}));
    EXPECT_EQ(tree.branches[0].parent, 2);
    EXPECT_EQ(tree.unconverged, 0);
    for (int b = 0; b < 2; ++b)
      for (double l : tree.branches[size_t(b)].lambda_max) EXPECT_LT(l, 0);
    // Before t_c the branches sit at +-m v/|v|... with m = tanh(m |v|^2 alpha^2/sigma^2) (x~ units).
    const FixedPointBranch& leaf = tree.branches[0];
    for (size_t i = 0; i < leaf.t.size(); ++i) {
      const double t = leaf.t[i], a = p.alpha(t), T = p.sigma2(t) / (a * a * v * v);
      const double m = leaf.path.row(Eigen::Index(i)).dot(Y.row(0)) / (a * v * v);
      EXPECT_NEAR(m, std::tanh(m / T), 1e-8) << "t = " << t;
    }
  }
}

// Random delta data in 2-D with unequal weights: every recorded point satisfies the mean-shift
// self-consistency, is stable, and the tree is a binary-or-wider tree over all points with one root.
TEST(FixedPoints, SelfConsistencyAndTreeShape) {
  const Mat Y = 2.0 * test::points(7, 2, 61);
  Vec w(7);
  w << 1, 2, 1, 3, 1, 1, 2;
  const GaussianMixture g = test::delta_mixture(Y, w);
  const Process p(default_process(ProcessKind::OU));
  FixedPointOptions o;
  o.nodes = 120;
  const FixedPointTree tree = fixed_point_tree(g, p, o);
  EXPECT_EQ(tree.unconverged, 0);
  int roots = 0;
  double worst = 0;
  for (const FixedPointBranch& b : tree.branches) {
    roots += b.parent < 0;
    for (size_t i = 0; i < b.t.size(); ++i) {
      const double t = b.t[i];
      const GaussianMixture m = g.marginal(p.alpha(t), p.sigma2(t));
      Mat R;
      const Mat X = b.path.row(Eigen::Index(i));
      mixture_responsibilities(m, X, R);
      const RowVec fixed = p.alpha(t) * (R * Y).row(0);
      worst = std::max(worst, (fixed - X.row(0)).norm() / std::sqrt(p.sigma2(t)));
      EXPECT_LT(b.lambda_max[i], 1e-9);
    }
    if (!b.children.empty()) {
      for (int c : b.children) EXPECT_LE(tree.branches[size_t(c)].t_start, b.t_start);
      EXPECT_GE(b.children.size(), 2u);
    }
  }
  std::printf("%zu branches, worst self-consistency residual %.2e (in marginal std)\n", tree.branches.size(), worst);
  EXPECT_LT(worst, 1e-8);
  EXPECT_EQ(roots, 1);
  const FixedPointBranch& last = tree.branches.back();
  EXPECT_EQ(last.members.size(), 7u);
}

// 1-D: the roots of the score alternate stable/unstable; the Jacobian's sign agrees with the
// dynamics (a mean-shift solve from root +- 1e-3 std returns to a stable root, leaves an unstable one).
TEST(FixedPoints, StabilityMatchesTheJacobian) {
  Mat Y(4, 1);
  Y << -2.3, -1.7, 1.7, 2.3;
  const GaussianMixture g = test::delta_mixture(Y, Vec::Ones(4));
  const Process p(default_process(ProcessKind::OU));
  const double t = 0.02;
  const std::vector<Root1D> roots = score_roots_1d(g, p, t, -4, 4);
  ASSERT_EQ(roots.size(), 7u);  // four maxima and three minima of p_t
  const GaussianMixture m = g.marginal(p.alpha(t), p.sigma2(t));
  const double sd = std::sqrt(p.sigma2(t));
  for (size_t i = 0; i < roots.size(); ++i) {
    EXPECT_EQ(roots[i].stable, i % 2 == 0) << "root " << i << " at " << roots[i].x;
    for (double e : {-1e-3, 1e-3}) {
      const FixedPoint fp = solve_fixed_point(m, RowVec::Constant(1, roots[i].x + e * sd), FixedPointOptions{});
      const bool back = std::abs(fp.x[0] - roots[i].x) < 1e-6 * sd;
      EXPECT_EQ(back, roots[i].stable) << "root " << i;
    }
  }
  EXPECT_THROW(two_point_critical_time(p, 1e-3), InputError);
}

}  // namespace
}  // namespace td
