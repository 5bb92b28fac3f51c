// Jacobian-vector products of every kind of score (issue 36): J v and J^T v assembled over the unit
// vectors give one Jacobian (J from the first, the transpose of the second), whose trace is the
// exact divergence and whose columns are the finite differences of the score; the exact mixture
// score's J is symmetric; the controlled non-gradient error (a rotation) is not, and says so.
#include <filesystem>

#include "common.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/torchscript_net.hpp"
#include "nn/unet.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"
#include "train/dsm_train.hpp"

namespace td {
namespace {

// J (d x d) at one point from the products with e_1..e_d, both ways: Jv gives its columns, J^T v its rows.
std::pair<Mat, Mat> jacobian_both_ways(const Score& s, const RowVec& x, double t) {
  const int d = s.dim();
  const Mat X = x.replicate(d, 1), E = Mat::Identity(d, d);
  Mat JV, JTV;
  s.jacobian_products(X, t, E, JV, &JTV);
  return {JV.transpose(), JTV};  // row k of JV is J e_k, a column of J; row k of JTV is J^T e_k, a row of J
}

// The columns of J against central finite differences of the score (float networks: h = 1e-2).
double finite_difference_error(const Score& s, const RowVec& x, double t, const Mat& J) {
  const int d = s.dim();
  const double h = 1e-2;
  Mat Sp, Sm, FD(d, d);
  for (int k = 0; k < d; ++k) {
    Mat xp = x, xm = x;
    xp(0, k) += h, xm(0, k) -= h;
    s.score(xp, t, Sp);
    s.score(xm, t, Sm);
    FD.col(k) = ((Sp - Sm) / (2 * h)).transpose();
  }
  return (FD - J).cwiseAbs().maxCoeff() / std::max(1.0, J.cwiseAbs().maxCoeff());
}

MlpSpec spec_of(int d, Prediction p) {
  MlpSpec s;
  s.d = d, s.width = 20, s.embed = 16, s.prediction = p;  // width 20: the zero padding of the GEMM layout
  return s;
}

}  // namespace

TEST(JacobianProducts, MlpBothWaysAgreeAndMatchTheDivergenceAndFiniteDifferences) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 4;
  for (Prediction pred : {Prediction::Eps, Prediction::Score, Prediction::X0}) {
    const NetworkScore s(std::make_shared<MlpNet>(init_mlp(spec_of(d, pred), 7)), p, pred);
    const Mat X = test::points(3, d, 8);
    for (double t : {0.05, 0.6})
      for (int i = 0; i < 3; ++i) {
        const auto [J, J2] = jacobian_both_ways(s, X.row(i), t);
        const double scale = std::max(1.0, J.cwiseAbs().maxCoeff());
        EXPECT_LT((J - J2).cwiseAbs().maxCoeff(), 2e-5 * scale) << prediction_name(pred) << " t=" << t;
        Mat S;
        Vec div;
        s.score_divergence(X.row(i), t, S, div);
        EXPECT_NEAR(J.trace(), div[0], 2e-5 * scale * d);
        EXPECT_LT(finite_difference_error(s, X.row(i), t, J), 2e-3) << prediction_name(pred) << " t=" << t;
      }
  }
}

// Whole Jacobians: the MLP's forward tangents (one primal pass per point) against the default route
// through the products, per-row times included; the score's adapter applied (x0: a J_f + b I).
TEST(JacobianProducts, MlpWholeJacobiansEqualTheProductsRoute) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 5;
  const MlpNet net(init_mlp(spec_of(d, Prediction::X0), 3));
  const Mat X = test::points(9, d, 10);
  Vec t(9);
  for (int i = 0; i < 9; ++i) t[i] = 0.05 + 0.1 * i;
  Mat J, Jp;
  net.jacobians(X, t, J);
  net.Network::jacobians(X, t, Jp);
  EXPECT_LT((J - Jp).cwiseAbs().maxCoeff(), 1e-5 * std::max(1.0, Jp.cwiseAbs().maxCoeff()));
  const NetworkScore s(std::make_shared<MlpNet>(net.weights()), p, Prediction::X0);
  Mat Js;
  s.jacobians(X.topRows(1), t[0], Js);
  const auto [Jv, Jtv] = jacobian_both_ways(s, X.row(0), t[0]);
  EXPECT_LT((Js - Jv).cwiseAbs().maxCoeff(), 1e-5 * std::max(1.0, Jv.cwiseAbs().maxCoeff()));
}

// The products of a batch are the products of each row alone (per-row Jacobians, not a batch's).
TEST(JacobianProducts, RowsAreIndependentOfTheBatch) {
  const Process p(default_process(ProcessKind::VP));
  const NetworkScore s(std::make_shared<MlpNet>(init_mlp(spec_of(3, Prediction::Eps), 2)), p, Prediction::Eps);
  const Mat X = test::points(11, 3, 4), V = test::points(11, 3, 5);
  Mat JV, JTV, jv, jtv;
  s.jacobian_products(X, 0.3, V, JV, &JTV);
  for (int i = 0; i < 11; i += 5) {
    s.jacobian_products(X.row(i), 0.3, V.row(i), jv, &jtv);
    EXPECT_LT((jv - JV.row(i)).cwiseAbs().maxCoeff(), 1e-6);
    EXPECT_LT((jtv - JTV.row(i)).cwiseAbs().maxCoeff(), 1e-6);
  }
}

TEST(JacobianProducts, TorchScriptMatchesFiniteDifferencesBothWays) {
  const auto net = std::make_shared<TorchScriptNet>(std::string(THERMODIFF_FIXTURES) + "/tiny_eps_mlp.pt", 2);
  const NetworkScore s(net, Process(default_process(ProcessKind::VP)), Prediction::Eps);
  const Mat X = test::points(4, 2, 3);
  for (int i = 0; i < 4; ++i) {
    const auto [J, J2] = jacobian_both_ways(s, X.row(i), 0.3);
    EXPECT_LT((J - J2).cwiseAbs().maxCoeff(), 1e-5 * std::max(1.0, J.cwiseAbs().maxCoeff()));
    EXPECT_LT(finite_difference_error(s, X.row(i), 0.3, J), 2e-3);
  }
}

// A U-Net in double precision: w . (J v) = (J^T w) . v for random v, w (the two products are two
// different autograd routes, so this is a real check), per image of a batch.
TEST(JacobianProducts, UNetAdjointIdentity) {
  UNetSpec spec;
  spec.channels = 1, spec.side = 8, spec.base = 8, spec.mult = {1, 2}, spec.res_blocks = 1, spec.attn_res = {4};
  spec.groups = 4, spec.double_precision = true;
  const NetworkScore s(std::make_shared<UNetNet>(spec, 3), Process(default_process(ProcessKind::VP)), Prediction::Eps);
  const int d = spec.dim();
  const Mat X = test::points(2, d, 1), V = test::points(2, d, 2), W = test::points(2, d, 3);
  Mat JV, JTV, JW, JTW;
  s.jacobian_products(X, 0.4, V, JV, &JTV);
  s.jacobian_products(X, 0.4, W, JW, &JTW);
  for (int i = 0; i < 2; ++i) {
    const double a = W.row(i).dot(JV.row(i)), b = JTW.row(i).dot(V.row(i));
    EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(a))) << "image " << i;
  }
}

TEST(JacobianProducts, ExactMixtureIsSymmetricAndARotationIsNot) {
  const Process p(default_process(ProcessKind::VP));
  auto base = std::make_shared<MixtureScore>(ring_mixture(5, 2.0, 0.3, 4), p);
  const RowVec x = test::points(1, 4, 2);
  Mat J;
  base->jacobian(x, 0.3, J);
  const auto [Jm, Jm2] = jacobian_both_ways(*base, x, 0.3);
  EXPECT_LT((Jm - J).cwiseAbs().maxCoeff(), 1e-10 * J.cwiseAbs().maxCoeff());
  EXPECT_LT((Jm2 - J).cwiseAbs().maxCoeff(), 1e-10 * J.cwiseAbs().maxCoeff());
  const PerturbedScore rot(base, PerturbKind::Rotate, 0.5);
  rot.jacobian(x, 0.3, J);
  const auto [Jr, Jr2] = jacobian_both_ways(rot, x, 0.3);
  EXPECT_LT((Jr - J).cwiseAbs().maxCoeff(), 1e-10 * J.cwiseAbs().maxCoeff());
  EXPECT_LT((Jr2 - J).cwiseAbs().maxCoeff(), 1e-10 * J.cwiseAbs().maxCoeff());
  EXPECT_GT((J - J.transpose()).norm(), 0.1 * J.norm());  // the rotation's Jacobian is not symmetric
}

}  // namespace td
