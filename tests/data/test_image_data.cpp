// Synthetic image data (issue 4): samplers against their distributions, closed-form entropy and
// second moment; the likelihood sweep's VP schedule matched to a VE run's terminal noise-to-signal ratio, and the
// correlation coefficients the sigma sweep reports.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "data/image_data.hpp"
#include "score/dataset_score.hpp"
#include "experiments/likelihood/config.hpp"

namespace td {
namespace {

Mat draw(const ImageSpec& s, int n, uint64_t seed) {
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
  Mat X;
  s.sampler({seed, Stream::Test})(ids.data(), n, X);
  return X;
}

// Uniform 8-bit: the 256 levels equally likely (chi-square, 255 dof: mean 255, sd 22.6; 5 sd
// allowed), every value in [0, 1), mean 1/2 and E|x|^2 = D/3 within 4 SE.
TEST(ImageData, Uniform8LevelsAreUniformAndDequantizedToTheUnitInterval) {
  ImageSpec s;
  s.side = 4;
  const int n = 4096, D = s.pixels();
  test::print_seed(51);
  const Mat X = draw(s, n, 51);
  ASSERT_EQ(X.cols(), D);
  EXPECT_GE(X.minCoeff(), 0.0);
  EXPECT_LT(X.maxCoeff(), 1.0);
  std::vector<double> count(256, 0.0);
  Moments m, m2;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < D; ++j) {
      count[size_t(std::floor(256 * X(i, j)))] += 1;
      m.add(X(i, j));
    }
    m2.add(X.row(i).squaredNorm());
  }
  const double e = double(n) * D / 256;
  double chi2 = 0;
  for (double c : count) chi2 += (c - e) * (c - e) / e;
  std::printf("chi2 = %.1f (255 dof), mean %.5f +- %.5f, E|x|^2 %.3f +- %.3f (D/3 = %.3f)\n", chi2, m.mean(), m.mean_se(),
              m2.mean(), m2.mean_se(), s.second_moment());
  EXPECT_LT(chi2, 255 + 5 * std::sqrt(2 * 255.0));
  EXPECT_LT(std::abs(m.mean() - 0.5), 4 * m.mean_se());
  EXPECT_LT(std::abs(m2.mean() - s.second_moment()), 4 * m2.mean_se());
  EXPECT_EQ(s.entropy(), 0.0);
  EXPECT_TRUE(s.quantized());
}

TEST(ImageData, GaussianPixelsHaveTheirMomentsAndEntropy) {
  ImageSpec s;
  s.kind = ImageKind::Gaussian;
  s.side = 3;
  s.mean = 0.4;
  s.std = 0.25;
  const int n = 8000, D = s.pixels();
  test::print_seed(52);
  const Mat X = draw(s, n, 52);
  Moments m2, lp;
  const auto exact = exact_score(s, Process(default_process(ProcessKind::VESong)));
  for (int i = 0; i < n; ++i) m2.add(X.row(i).squaredNorm());
  // -ln p(x) of N(mean, std^2 I) averages to the entropy.
  for (int i = 0; i < n; ++i)
    lp.add(0.5 * (X.row(i).array() - s.mean).square().sum() / (s.std * s.std) + 0.5 * D * std::log(2 * M_PI * s.std * s.std));
  std::printf("E|x|^2 %.4f +- %.4f (closed form %.4f); -E ln p %.4f +- %.4f (entropy %.4f)\n", m2.mean(), m2.mean_se(),
              s.second_moment(), lp.mean(), lp.mean_se(), s.entropy());
  EXPECT_LT(std::abs(m2.mean() - s.second_moment()), 4 * m2.mean_se());
  EXPECT_LT(std::abs(lp.mean() - s.entropy()), 4 * lp.mean_se());
  EXPECT_EQ(exact->dim(), D);
  EXPECT_FALSE(s.quantized());
}

TEST(ImageData, BadSpecsAreInputErrors) {
  ImageSpec s;
  s.side = 0;
  EXPECT_THROW(s.validate("here"), InputError);
  s.side = 8;
  s.kind = ImageKind::Gaussian;
  s.std = 0;
  EXPECT_THROW(s.validate("here"), InputError);
  EXPECT_THROW(parse_image_kind("cifar"), InputError);
}

// The VP schedule of a sweep point has the VE run's sigma(T)/alpha(T).
TEST(LikelihoodConfig, MatchedVpScheduleHasTheVeNoiseToSignalRatio) {
  for (double sigma : {10.0, 30.0}) {
    ProcessParams ve = default_process(ProcessKind::VESong);
    ve.sigma_base = sigma;
    const double rho = Process(ve).sigma(1.0);
    ProcessParams vp = default_process(ProcessKind::VP);
    vp.beta_max = vp_beta_max_for(rho, vp.beta_min, 1.0);
    const Process p(vp);
    EXPECT_NEAR(p.sigma(1.0) / p.alpha(1.0), rho, 1e-10 * rho) << sigma;
  }
}

// scipy.stats on x = 1..6, y = (2, 4, 5, 4, 5, 9): pearsonr 0.8537198732636624, spearmanr
// 0.8533103351879245 (ties averaged).
TEST(Stats, PearsonAndSpearmanMatchScipy) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6}, y = {2, 4, 5, 4, 5, 9};
  EXPECT_NEAR(pearson(x, y), 0.8537198732636624, 1e-12);
  EXPECT_NEAR(spearman(x, y), 0.8533103351879245, 1e-12);
  EXPECT_NEAR(spearman(x, {1, 4, 9, 16, 25, 36}), 1.0, 1e-15);  // monotone, nonlinear
  EXPECT_TRUE(std::isnan(pearson(x, {1, 1, 1, 1, 1, 1})));
  EXPECT_THROW(pearson({1}, {2}), InputError);
}

}  // namespace
}  // namespace td
