// Loss curvature and SGD noise on parameter subsets (FORMULAS §2.6): the subset Hessian of a
// quadratic against its closed form, the subset index maps, the mini-batch gradient covariance of a
// linear model against its closed form, and at the optimum of a tiny model the Hessian of <Sigma>
// against E[grad Sigma grad Sigma^T] (Fisher identity).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "nn/torch_convert.hpp"
#include "train/curvature.hpp"

namespace td {
namespace {

torch::Tensor leaf(const Mat& v) { return to_tensor(v).reshape({-1}).clone().requires_grad_(true); }

TEST(Curvature, QuadraticHessianAndSubsetIndices) {
  const int n = 12;
  const Mat R = test::points(n, n, 121);
  const Mat A = R.transpose() * R / n + Mat::Identity(n, n);  // SPD
  const torch::Tensor At = to_tensor(A);
  torch::Tensor theta = leaf(test::points(n, 1, 122));
  torch::Tensor W = theta.detach().narrow(0, 0, 8).reshape({2, 4}).clone().requires_grad_(true);
  torch::Tensor b = theta.detach().narrow(0, 8, 2).clone().requires_grad_(true);
  torch::Tensor v = theta.detach().narrow(0, 10, 2).clone().requires_grad_(true);
  // L = 1/2 u^T A u + sum u with u = [vec(W), b, v]: the Hessian in u is A.
  auto loss = [&](int64_t) {
    const torch::Tensor u = torch::cat({W.reshape({-1}), b, v});
    return 0.5 * torch::dot(u, torch::mv(At, u)) + u.sum();
  };
  std::vector<ParamSubset> s = linear_subset("lin", W, b, {1}, {0, 3});
  s.push_back(vector_subset("norm", v, {1}));
  // Flat positions in u: W[1,0] = 4, W[1,3] = 7, b[1] = 9, v[1] = 11.
  const std::vector<int> pos = {4, 7, 9, 11};
  const Mat H = subset_hessian(s, loss, 2);
  ASSERT_EQ(H.rows(), 4);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(H(i, j), A(pos[size_t(i)], pos[size_t(j)]), 1e-12);
  EXPECT_LT((H - H.transpose()).norm(), 1e-12);
  // Conv weight [out 3, in 2, 2, 2]: out 2, in 1 selects flat entries (2*2 + 1)*4 + 0..3.
  torch::Tensor cw = torch::zeros({3, 2, 2, 2}, torch::kDouble).requires_grad_(true);
  EXPECT_EQ(conv_subset("conv", cw, {2}, {1}).index, (std::vector<int64_t>{20, 21, 22, 23}));
  EXPECT_THROW(vector_subset("x", cw, {0}), InputError);
  EXPECT_THROW(subset_hessian({vector_subset("v", v, {5})}, loss, 1), InputError);
}

// Linear model, loss per batch mean (w.x - y)^2, x ~ N(0, I_3), y = w*.x + eps, eps ~ N(0, s^2):
// per-sample gradient covariance 4(|delta|^2 + s^2) I + 4 delta delta^T (Isserlis), divided by the
// batch size for mini-batch means. Each entry within 4 SE (SE from the per-batch products).
TEST(Curvature, LinearModelGradientCovarianceClosedForm) {
  const int d = 3, B = 16, batches = 6000;
  const double s = 0.5;
  Vec wstar(d), w0(d);
  wstar << 0.5, -1.0, 2.0;
  w0 << 0.8, -0.6, 1.5;
  torch::Tensor w = leaf(w0);
  const uint64_t seed = 123;
  test::print_seed(seed);
  const Mat X = test::points(B * batches, d, seed), E = s * test::points(B * batches, 1, seed + 1);
  const torch::Tensor Xt = to_tensor(X), yt = to_tensor(X * wstar + E).reshape({-1});
  auto loss = [&](int64_t b) {
    const torch::Tensor xb = Xt.narrow(0, b * B, B), yb = yt.narrow(0, b * B, B);
    return (torch::mv(xb, w) - yb).pow(2).mean();
  };
  const GradientSamples g = subset_gradients({vector_subset("w", w, {0, 1, 2})}, loss, batches);
  const Vec delta = w0 - wstar;
  const Mat exact = (4 * (delta.squaredNorm() + s * s) * Mat::Identity(d, d) + 4 * delta * delta.transpose()) / B;
  const Mat C = g.grads.rowwise() - g.mean.transpose();
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      const Eigen::ArrayXd prod = C.col(i).array() * C.col(j).array();
      const double se = std::sqrt((prod - prod.mean()).square().sum() / (batches - 1) / batches);
      std::printf("cov(%d,%d) %.5f +- %.5f, closed form %.5f\n", i, j, g.cov(i, j), se, exact(i, j));
      EXPECT_LT(std::abs(g.cov(i, j) - exact(i, j)), 4 * se);
    }
  EXPECT_LT((g.mean - 2 * delta).norm(), 4 * std::sqrt(g.cov.trace() / batches));  // E grad = 2 delta
}

// Sigma_theta(x) = ln p(x) - ln q_theta(x), x ~ p, q = N(mu, e^{2 rho}): <e^{-Sigma}> = 1 for every theta.
// At the optimum (q = p) the Hessian of <Sigma> equals E[grad Sigma grad Sigma^T] = diag(1/sigma^2, 2).
TEST(Curvature, HessianOfMeanEqualsGradientCovarianceAtOptimum) {
  const double m = 0.3, sd = 0.8;
  torch::Tensor th = torch::tensor({m, std::log(sd)}, torch::kDouble).requires_grad_(true);
  const int n = 20000;
  const uint64_t seed = 125;
  test::print_seed(seed);
  const torch::Tensor x = to_tensor(m + sd * test::points(n, 1, seed).array()).reshape({-1});
  auto sigma = [&](const torch::Tensor& xs) {  // -ln q_theta(x) up to the theta-free ln p(x)
    const torch::Tensor mu = th[0], rho = th[1];
    return 0.5 * (xs - mu).pow(2) * torch::exp(-2 * rho) + rho;
  };
  const std::vector<ParamSubset> s = {vector_subset("theta", th, {0, 1})};
  const int per = 100;
  const Mat H = subset_hessian(s, [&](int64_t b) { return sigma(x.narrow(0, b * per, per)).mean(); }, n / per);
  const GradientSamples g = subset_gradients(s, [&](int64_t b) { return sigma(x.narrow(0, b, 1)).sum(); }, n);
  const Mat F = g.cov + g.mean * g.mean.transpose() * double(n - 1) / n;  // E[g g^T]
  // SEs: the Hessian's entries are means of per-sample values (exp(-2 rho), 2 (x-mu)^2 e^{-2rho}, ...);
  // bound them by the per-sample spread of g g^T, the same random variables up to the optimum.
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      const Eigen::ArrayXd prod = g.grads.col(i).array() * g.grads.col(j).array();
      const double se = std::sqrt((prod - prod.mean()).square().sum() / (n - 1) / n);
      const double fisher = i != j ? 0.0 : (i == 0 ? 1 / (sd * sd) : 2.0);
      std::printf("(%d,%d): Hessian %.4f, E[g g^T] %.4f +- %.4f, Fisher %.4f\n", i, j, H(i, j), F(i, j), se, fisher);
      EXPECT_LT(std::abs(H(i, j) - F(i, j)), 4 * std::sqrt(2.0) * se + 1e-9);
      EXPECT_LT(std::abs(F(i, j) - fisher), 4 * se + 1e-9);
    }
}

}  // namespace
}  // namespace td
