// The U-Net score network (issue 7): output shapes, the Hutchinson quadratic form and the exact
// trace against central finite differences (double precision), time per row, and bad specs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "nn/torchscript_net.hpp"  // set_torch_threads
#include "nn/unet.hpp"
#include "train/unet_curvature.hpp"
#include "train/unet_train.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>

#include <filesystem>
#include <unistd.h>

namespace td {
namespace {

UNetSpec small(int channels, int side) {
  UNetSpec s;
  s.channels = channels, s.side = side, s.base = 16, s.mult = {1, 2}, s.res_blocks = 1, s.attn_res = {side / 2};
  s.groups = 8, s.double_precision = true;
  return s;
}

TEST(UNet, ShapesAndTimes) {
  const UNetNet net(small(3, 8), 1);
  EXPECT_EQ(net.dim(), 192);
  std::printf("%s\n", net.describe().c_str());
  const Mat X = test::points(5, 192, 131);
  Mat out, out2;
  net.forward(X, 0.3, out);
  EXPECT_EQ(out.rows(), 5);
  EXPECT_EQ(out.cols(), 192);
  EXPECT_TRUE(out.allFinite());
  net.forward(X, Vec::Constant(5, 0.3), out2);  // a time per row, all equal
  EXPECT_LT((out - out2).norm(), 1e-12 * out.norm());
  net.forward(X, 0.7, out2);
  EXPECT_GT((out - out2).norm(), 1e-6 * out.norm());  // the time matters
  const UNetNet same(small(3, 8), 1), other(small(3, 8), 2);
  Mat o1, o2;
  same.forward(X, 0.3, o1);
  other.forward(X, 0.3, o2);
  EXPECT_EQ(o1, out);  // the seed fixes the initialization
  EXPECT_NE(o2, out);
}

// v . J v from one vector-Jacobian product against v . (f(x + e v) - f(x - e v)) / (2e); the exact
// trace against the sum of central differences along each coordinate (1 channel, 4 x 4).
TEST(UNet, DerivativesAgreeWithFiniteDifferences) {
  const UNetNet net(small(3, 8), 3);
  const Mat X = test::points(3, 192, 133);
  const std::vector<Mat> V = rademacher_probes({134, Stream::Hutchinson}, std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}.data(), 8, 0, 192, 2);
  Mat out, Q;
  std::vector<Mat> V3 = {V[0].topRows(3), V[1].topRows(3)};
  net.forward_quadratic(X, 0.2, V3, out, Q);
  const double e = 1e-5;
  for (int p = 0; p < 2; ++p) {
    Mat fp, fm;
    net.forward(X + e * V3[size_t(p)], 0.2, fp);
    net.forward(X - e * V3[size_t(p)], 0.2, fm);
    for (int i = 0; i < 3; ++i) {
      const double fd = V3[size_t(p)].row(i).dot(fp.row(i) - fm.row(i)) / (2 * e);
      EXPECT_NEAR(Q(i, p), fd, 1e-6 * (1 + std::abs(fd))) << "probe " << p << " row " << i;
    }
  }
  const UNetNet tiny(small(1, 4), 5);
  const Mat Y = test::points(2, 16, 135);
  Vec tr;
  tiny.forward_trace(Y, 0.5, out, tr);
  for (int i = 0; i < 2; ++i) {
    double fd = 0;
    for (int j = 0; j < 16; ++j) {
      Mat yp = Y.row(i), ym = Y.row(i), fp, fm;
      yp(0, j) += e, ym(0, j) -= e;
      tiny.forward(yp, 0.5, fp);
      tiny.forward(ym, 0.5, fm);
      fd += (fp(0, j) - fm(0, j)) / (2 * e);
    }
    EXPECT_NEAR(tr[i], fd, 1e-6 * (1 + std::abs(fd)));
  }
}

TEST(UNet, BadSpecs) {
  UNetSpec s = small(3, 8);
  s.side = 6;
  s.mult = {1, 2, 2};
  EXPECT_THROW(UNetNet(s, 1), InputError);  // 6 not divisible by 4
  s = small(3, 8);
  s.base = 15;
  EXPECT_THROW(UNetNet(s, 1), InputError);
  s = small(3, 8);
  s.mult.clear();
  EXPECT_THROW(UNetNet(s, 1), InputError);
}

}  // namespace
}  // namespace td

namespace td {
namespace {

// A tiny U-Net trained by DSM on N(0.3, 0.5^2) images: the loss falls; two runs are identical (one
// thread); a run stopped at a checkpoint and resumed equals the uninterrupted one exactly.
TEST(UNetTraining, LearnsDeterministicAndResumesExactly) {
  UNetSpec s = small(1, 4);
  s.base = 8, s.groups = 4;
  const Process p(default_process(ProcessKind::VP));
  GaussianMixture g = test::isotropic_gaussian(16, 0.25);
  g.means.setConstant(0.3);
  const DataFn data = mixture_data(g, {141, Stream::Train}, 2);
  TrainSpec ts;
  ts.steps = 200, ts.batch = 32, ts.lr = 3e-3, ts.seed = 142, ts.progress = false;
  set_torch_threads(1);  // the thread count's owner (the CLI's, here the test's): one thread
  const UNetTrainResult a = train_unet(s, p, data, ts), b = train_unet(s, p, data, ts);
  std::printf("loss: first interval %.4f, last %.4f\n", a.curve.front().second, a.curve.back().second);
  EXPECT_LT(a.curve.back().second, 0.8 * a.curve.front().second);
  const Mat X = test::points(4, 16, 143);
  Mat fa, fb, fc;
  a.ema->forward(X, 0.4, fa);
  b.ema->forward(X, 0.4, fb);
  EXPECT_EQ(fa, fb);
  const std::string ck = (std::filesystem::temp_directory_path() / ("thermodiff-unet-ck-" + std::to_string(getpid()))).string();
  std::filesystem::remove(ck);
  TrainSpec t1 = ts;
  t1.checkpoint = ck, t1.checkpoint_every = 50, t1.stop_at = 120;
  train_unet(s, p, data, t1);
  t1.stop_at = -1;
  const UNetTrainResult c = train_unet(s, p, data, t1);
  EXPECT_EQ(c.resumed_from, 120);
  c.ema->forward(X, 0.4, fc);
  EXPECT_EQ(fc, fa);
  std::filesystem::remove(ck);
}

}  // namespace
}  // namespace td

namespace td {
namespace {

// Loss curvature on conv channel subsets of a (briefly trained) U-Net: sizes and layer map, a
// symmetric Hessian, a positive semidefinite gradient covariance, and named errors.
TEST(UNetCurvature, SubsetHessianAndCovariance) {
  UNetSpec s = small(1, 4);
  s.base = 8, s.groups = 4;
  const Process p(default_process(ProcessKind::VP));
  const DataFn data = mixture_data(test::isotropic_gaussian(16, 0.25), {161, Stream::Train}, 2);
  TrainSpec ts;
  ts.steps = 50, ts.batch = 16, ts.seed = 162, ts.progress = false;
  set_torch_threads(1);
  const UNetTrainResult r = train_unet(s, p, data, ts);
  const std::vector<std::string> layers = unet_conv_layers(*r.ema);
  EXPECT_EQ(layers.front(), "conv_in");
  EXPECT_NE(std::find(layers.begin(), layers.end(), "down0_0.c1"), layers.end());
  const LossCurvature c = unet_loss_curvature(
      *r.ema, p, data, ts, {{"conv", "down0_0.c1", 2, 2}, {"conv", "conv_out", 1, 2}, {"attention", "mid_attn", 2, 1}, {"norm", "mid1.n1", 3, 0}, {"linear", "mid1.t", 2, 3}},
      2, 40);
  // conv 2x2x9, conv 1x2x9, attention (q, k, v) x 2 channels x 1 input (1x1 kernel), norm 3 scales + 3 shifts.
  ASSERT_EQ(c.hessian.rows(), 36 + 18 + 6 + 6 + 2 * 3 + 2);  // + linear 2 x 3 weights and 2 biases
  EXPECT_EQ(std::count(c.entry_layer.begin(), c.entry_layer.end(), 0), 36);
  EXPECT_EQ(std::count(c.entry_layer.begin(), c.entry_layer.end(), 3), 6);
  EXPECT_LT((c.hessian - c.hessian.transpose()).norm(), 1e-4 * c.hessian.norm());
  Eigen::SelfAdjointEigenSolver<Mat> es(c.covariance);
  EXPECT_GT(es.eigenvalues().minCoeff(), -1e-9 * c.covariance.trace());
  EXPECT_GT(c.covariance.trace(), 0);
  const std::vector<double> losses = unet_dsm_losses(*r.ema, p, data, ts, 3);
  EXPECT_EQ(losses.size(), size_t(3 * ts.batch));
  for (double l : losses) EXPECT_GE(l, 0.0);
  EXPECT_THROW(unet_loss_curvature(*r.ema, p, data, ts, {{"conv", "nope", 1, 1}}, 1, 2), InputError);
  EXPECT_THROW(unet_loss_curvature(*r.ema, p, data, ts, {{"conv", "conv_in", 99, 1}}, 1, 2), InputError);
  EXPECT_THROW(unet_loss_curvature(*r.ema, p, data, ts, {{"dense", "conv_in", 1, 1}}, 1, 2), InputError);
}

}  // namespace
}  // namespace td
