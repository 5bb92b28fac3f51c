// Lanczos on batched products (observe/lanczos.hpp): the Ritz values of a full Krylov space are the
// eigenvalues; partial ones lie within their residual bounds of an eigenvalue, the extremes first;
// a Krylov space that closes early gives exact values. With the exact mixture score's Jacobian
// products (score/mixture_kernels.hpp): the seed's eq. 61 spectrum of Gaussian data on a subspace.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <cmath>
#include <cstdio>
#include <vector>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/lanczos.hpp"
#include "score/mixture_kernels.hpp"

namespace td {
namespace {

// Symmetric d x d matrices Q diag(eig) Q^T, Q a random orthogonal matrix (seeded).
Mat with_spectrum(const Vec& eig, uint64_t seed) {
  const int d = int(eig.size());
  Eigen::HouseholderQR<Mat> qr(test::points(d, d, seed));
  const Mat Q = qr.householderQ();
  return Q * eig.asDiagonal() * Q.transpose();
}

BatchMatVec products(const std::vector<Mat>& A) {
  return [&A](const Mat& V, Mat& AV) {
    AV.resize(V.rows(), V.cols());
    for (Eigen::Index i = 0; i < V.rows(); ++i) AV.row(i) = (A[size_t(i)] * V.row(i).transpose()).transpose();
  };
}

TEST(Lanczos, FullKrylovSpaceGivesEveryEigenvalue) {
  const int d = 40;
  std::vector<Mat> A;
  for (int i = 0; i < 3; ++i) A.push_back(with_spectrum(Vec::LinSpaced(d, -5.0 - i, 3.0 + i), 700 + uint64_t(i)));
  const LanczosResult r = lanczos_batch(3, d, products(A), d, {701, Stream::User});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(r.steps[i], d);
    const Vec want = Vec::LinSpaced(d, -5.0 - i, 3.0 + i);
    for (int j = 0; j < d; ++j) EXPECT_NEAR(r.ritz(i, j), want[j], 1e-9) << i << " " << j;
  }
}

// d = 300, 40 products: the outlying extremes (-60, -40 and 25, 30 beside a bulk in [-1, 1])
// converge to 1e-8; every Ritz value has an eigenvalue within its residual bound.
TEST(Lanczos, PartialSpectrumWithinItsResidualBounds) {
  const int d = 300;
  Vec eig = Vec::LinSpaced(d, -1.0, 1.0);
  eig[0] = -60, eig[1] = -40, eig[d - 2] = 25, eig[d - 1] = 30;
  const std::vector<Mat> A = {with_spectrum(eig, 710)};
  const LanczosResult r = lanczos_batch(1, d, products(A), 40, {711, Stream::User});
  ASSERT_EQ(r.steps[0], 40);
  for (int j = 0; j < 40; ++j) {
    double nearest = INFINITY;
    for (int l = 0; l < d; ++l) nearest = std::min(nearest, std::abs(eig[l] - r.ritz(0, j)));
    EXPECT_LE(nearest, r.residual(0, j) * (1 + 1e-6) + 1e-10) << j;
  }
  const std::vector<double> extremes = {-60, -40, 25, 30};
  const std::vector<int> at = {0, 1, 38, 39};
  for (size_t k = 0; k < at.size(); ++k) {
    std::printf("Ritz %d: %.12f (residual %.2e), eigenvalue %.0f\n", at[k], r.ritz(0, at[k]), r.residual(0, at[k]), extremes[k]);
    EXPECT_LT(r.residual(0, at[k]), 1e-8);
    EXPECT_NEAR(r.ritz(0, at[k]), extremes[k], 1e-8);
  }
}

// A rank-3 operator: the Krylov space closes after at most 4 products, the Ritz values are exact
// (residual 0) and the rest NaN; bad sizes are named.
TEST(Lanczos, AClosedKrylovSpaceIsExact) {
  const int d = 30;
  Vec eig = Vec::Zero(d);
  eig[0] = -2, eig[1] = 1, eig[2] = 4;
  const std::vector<Mat> A = {with_spectrum(eig, 720), with_spectrum(Vec::LinSpaced(d, 1, 2), 721)};
  const LanczosResult r = lanczos_batch(2, d, products(A), 10, {722, Stream::User});
  ASSERT_LE(r.steps[0], 4);
  EXPECT_EQ(r.steps[1], 10);
  std::vector<double> found;
  for (int j = 0; j < r.steps[0]; ++j) {
    EXPECT_LT(r.residual(0, j), 1e-9);
    found.push_back(r.ritz(0, j));
  }
  for (double want : {-2.0, 1.0, 4.0}) {
    double nearest = INFINITY;
    for (double f : found) nearest = std::min(nearest, std::abs(f - want));
    EXPECT_LT(nearest, 1e-9) << want;
  }
  EXPECT_TRUE(std::isnan(r.ritz(0, 9)));
  EXPECT_THROW(lanczos_batch(1, d, products(A), d + 1, {1, Stream::User}), InputError);
}

// The exact mixture score's Jacobian products equal the d x d Jacobian's (a three-component mixture
// with unequal coordinate variances, d = 7, at ten points) to rounding.
TEST(Lanczos, MixtureJacobianProductsEqualTheJacobian) {
  GaussianMixture g;
  g.weights = Vec::Constant(3, 1.0 / 3);
  g.means = test::points(3, 7, 730);
  g.vars = (test::points(3, 7, 731).array().abs() + 0.2).matrix();
  const Mat X = test::points(10, 7, 732), V = test::points(10, 7, 733);
  Mat JV, J;
  mixture_jacobian_products(g, X, V, JV);
  for (int i = 0; i < 10; ++i) {
    mixture_jacobian(g, X.row(i), J);
    const RowVec want = (J * V.row(i).transpose()).transpose();
    EXPECT_LT((JV.row(i) - want).norm(), 1e-12 * std::max(1.0, want.norm())) << i;
  }
  EXPECT_THROW(mixture_jacobian_products(g, X, V.leftCols(6), JV), InputError);
}

// The seed's eq. 61 as a Lanczos check: Gaussian data N(0, Sigma_0) on a k = 4 dimensional subspace
// of R^60 has, at noise level sigma~ (VP, alpha and sigma^2 at t), score-Jacobian eigenvalues
// -1/(alpha^2 lambda_i + sigma^2) on the subspace and -1/sigma^2 on its d - k = 56 dimensional
// complement (the codimension). With k + 1 distinct eigenvalues the Krylov space closes after k + 1
// products and the Ritz values are those eigenvalues exactly.
TEST(Lanczos, SubspaceGaussianSpectrumIsEquation61) {
  const int d = 60, k = 4;
  const double a = 0.8, s2 = 0.05;
  const Vec lambda = (Vec(4) << 0.5, 1.0, 2.0, 4.0).finished();
  GaussianMixture marg;  // the marginal at t: means 0, variances alpha^2 lambda + sigma^2 (sigma^2 off the subspace)
  marg.weights = Vec::Ones(1);
  marg.means = Mat::Zero(1, d);
  marg.vars = Mat::Constant(1, d, s2);
  for (int i = 0; i < k; ++i) marg.vars(0, i) = a * a * lambda[i] + s2;
  const Mat X = test::points(3, d, 740);
  const BatchMatVec jv = [&](const Mat& V, Mat& JV) { mixture_jacobian_products(marg, X, V, JV); };
  const LanczosResult r = lanczos_batch(3, d, jv, 12, {741, Stream::User});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(r.steps[i], k + 1) << i;
    std::vector<double> want = {-1 / s2};
    for (int j = 0; j < k; ++j) want.push_back(-1 / (a * a * lambda[j] + s2));  // ascending: lambda ascending
    for (int j = 0; j <= k; ++j) EXPECT_NEAR(r.ritz(i, j), want[size_t(j)], 1e-9 * std::abs(want[size_t(j)])) << i << " " << j;
  }
}

}  // namespace

// A repeated eigenvalue: one starting vector sees one copy of it (its Krylov space closes at the
// number of distinct eigenvalues); a block of b vectors sees b copies, so counting eigenvalues
// above a level (a dimension) needs a block at least as large as the multiplicity.
TEST(Lanczos, ABlockFindsEachCopyOfARepeatedEigenvalue) {
  const int d = 30;
  Vec eig = Vec::Constant(d, -10.0);
  eig.head(3).setConstant(-0.5);  // three copies near zero, the rest one value far below
  const std::vector<Mat> A = {with_spectrum(eig, 760)};
  const LanczosResult one = lanczos_batch(1, d, products(A), 6, {761, Stream::User});
  EXPECT_EQ(one.steps[0], 2);  // two distinct eigenvalues
  const LanczosResult three = block_lanczos_batch(1, d, products(A), 3, 4, {761, Stream::User});
  int near_zero = 0;
  for (int j = 0; j < three.steps[0]; ++j) near_zero += std::abs(three.ritz(0, j) + 0.5) < 1e-9;
  EXPECT_EQ(near_zero, 3);
  EXPECT_EQ(three.steps[0], 6);  // closes after two blocks: the space of both eigenvalues' copies it can reach
}

}  // namespace td
