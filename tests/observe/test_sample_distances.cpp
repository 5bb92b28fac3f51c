// Distances of generated samples to data (issue 32's comparison): sliced W2 against closed forms
// where every direction gives the same 1-D W2, the 2-D histogram KL of exact samples at its
// plug-in bias and of a shifted law against the closed form, and the samplers run together
// (sample_schedules) against each run alone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/entropic_time.hpp"
#include "observe/sliced_wasserstein.hpp"
#include "score/mixture_score.hpp"
#include "sim/edm_samplers.hpp"

namespace td {
namespace {


// 1-D: W2^2(N(0,1), N(1,1)) = 1; 4-D: N(0, I) against N(0, 4 I) is W2^2 = (2 - 1)^2 = 1 in every
// direction. The plug-in's bias at n = 20000 is below 0.01 here.
TEST(SlicedW2, ClosedFormsWhereEveryDirectionAgrees) {
  test::print_seed(7);
  const Mat a = test::points(20000, 1, 7), b = test::points(20000, 1, 8).array() + 1.0;
  const double s1 = sliced_w2(a, b, 4, 7);
  const Mat c = test::points(20000, 4, 9), e = 2.0 * test::points(20000, 4, 10);
  const double s4 = sliced_w2(c, e, 64, 7);
  const double same = sliced_w2(c, test::points(20000, 4, 11), 64, 7);
  std::printf("SW2^2: shift %.4f (1), scale %.4f (1), same law %.5f (0)\n", s1, s4, same);
  EXPECT_NEAR(s1, 1.0, 0.03);
  EXPECT_NEAR(s4, 1.0, 0.03);
  EXPECT_LT(same, 0.01);
  EXPECT_THROW(sliced_w2(a, c, 4, 7), InputError);
}

// Exact samples of a 2-D mixture: KL at most a few times the plug-in bias; a law moved by 0.5 std
// along x of a unit Gaussian: KL = 0.125 within the binning error.
TEST(KlByDensity, TwoDimensionalHistogram) {
  const uint64_t seed = 12;
  test::print_seed(seed);
  GaussianMixture g;
  g.weights = Vec::Constant(2, 0.5);
  g.means = Mat(2, 2);
  g.means << -1.5, 0, 1.5, 0.5;
  g.vars = Mat::Constant(2, 2, 0.36);
  std::vector<uint64_t> ids(40000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat X;
  sample_mixture(g, {seed, Stream::Test}, ids.data(), 40000, 0, X);
  const double kl = kl_generated_to_true(X, g, 400), bias = 400 / (2 * 40000.0);
  const GaussianMixture unit = test::isotropic_gaussian(2, 1.0);
  const Mat shifted = test::points(40000, 2, seed).array().rowwise() + RowVec{{0.5, 0.0}}.array();
  const double kl_shift = kl_generated_to_true(shifted, unit, 1600);
  std::printf("2-D KL: exact samples %.5f (bias ~%.5f); shifted 0.5 std %.4f (0.125)\n", kl, bias, kl_shift);
  EXPECT_LT(kl, 3 * bias);
  EXPECT_NEAR(kl_shift, 0.125, 0.02);
}

// Schedules sampled together equal each sampled alone, bit for bit, for every sampler; a schedule
// of another length is refused.
TEST(EdmSamplers, SchedulesTogetherEqualEachAlone) {
  const Process p(default_process(ProcessKind::EDM));
  const MixtureScore s(test::isotropic_gaussian(2, 0.8), p);
  const std::vector<std::vector<double>> levels = {edm_sigmas(6, 0.01, 20), {20, 9, 4, 1, 0.1, 0.01}};
  const EdmChurn churn{10, 0.05, 50, 1.003};
  for (const std::string& name : edm_sampler_names()) {
    const EdmSampler k = parse_edm_sampler(name);
    const std::vector<Mat> both = sample_schedules(s, levels, k, 37, 3, churn);
    for (size_t j = 0; j < levels.size(); ++j) EXPECT_EQ(both[j], sample_schedules(s, {levels[j]}, k, 37, 3, churn)[0]) << name;
  }
  EXPECT_THROW(sample_schedules(s, {levels[0], {20, 1, 0.01}}, EdmSampler::Heun, 8, 3), InputError);
  EXPECT_THROW(parse_edm_sampler("ddpm"), InputError);
}

}  // namespace
}  // namespace td
