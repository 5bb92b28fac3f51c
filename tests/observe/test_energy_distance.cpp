// The energy distance's linear-time estimator against its closed form for 1-D Gaussians
// N(delta, s^2) vs N(0, s^2): E = 2 (sqrt(4 s^2 / pi) exp(-delta^2 / (4 s^2)) + delta erf(delta / (2 s)))
// - 4 s / sqrt(pi), within 4 SE; zero for equal laws in d = 3; a paired difference against the
// difference of closed forms, with a smaller SE than the unpaired estimates'.
#include <cmath>
#include <cstdio>

#include "sim/edm_samplers.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "observe/energy_distance.hpp"
#include "process/schedules.hpp"
#include "score/edm_view.hpp"
#include "score/mixture_score.hpp"
#include "sim/ensemble.hpp"

namespace td {
namespace {

double closed_form(double delta, double s) {
  return 2 * (std::sqrt(4 * s * s / M_PI) * std::exp(-delta * delta / (4 * s * s)) + delta * std::erf(delta / (2 * s))) -
         4 * s / std::sqrt(M_PI);
}

Mat gaussian(uint64_t seed, uint32_t sub, int n, int d, double mean, double s) {
  std::vector<uint64_t> ids(size_t(n), 0);
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
  Mat X;
  normal_block({seed, Stream::User, sub}, ids.data(), n, 0, d, X);
  return (s * X.array() + mean).matrix();
}

}  // namespace

TEST(EnergyDistance, MatchesTheGaussianClosedFormAndIsZeroForEqualLaws) {
  const uint64_t seed = 97;
  test::print_seed(seed);
  const int n = 200000;
  const double s = 0.8;
  const Mat y = gaussian(seed, 0, n, 1, 0.0, s);
  uint32_t sub = 10;  // independent generated sets for each delta (the data set y is shared, so their errors correlate;
                      // over 200 seeds at delta = 1 the z-scores had mean 0.07 +- 0.07 and rms 1.01)
  for (double delta : {0.0, 0.3, 1.0, 3.0}) {
    const EnergyDistance e = energy_distance(gaussian(seed, sub++, n, 1, delta, s), y);
    std::printf("delta %.1f: %.5f +- %.5f (closed form %.5f)\n", delta, e.value, e.se, closed_form(delta, s));
    EXPECT_EQ(e.quadruples, n / 2);
    EXPECT_LE(std::abs(e.value - closed_form(delta, s)), 4 * e.se);
  }
  const EnergyDistance z = energy_distance(gaussian(seed, 2, 20000, 3, 0.5, 1.0), gaussian(seed, 3, 20000, 3, 0.5, 1.0));
  EXPECT_LE(std::abs(z.value), 4 * z.se);
  // Paired: two generated sets from the same normals, shifted by 0.3 and 0.4.
  const Mat a = gaussian(seed, 4, n, 1, 0.3, s), b = (a.array() + 0.1).matrix();
  const EnergyDistance d = energy_distance_difference(a, b, y), ea = energy_distance(a, y);
  const double want = closed_form(0.3, s) - closed_form(0.4, s);
  std::printf("paired difference %.5f +- %.5f (closed form %.5f); unpaired SE %.5f\n", d.value, d.se, want, ea.se);
  EXPECT_LE(std::abs(d.value - want), 4 * d.se);
  EXPECT_LT(d.se, ea.se / 2);
}

TEST(EnergyDistance, BadShapesAreErrors) {
  EXPECT_THROW(energy_distance(Mat::Zero(10, 2), Mat::Zero(10, 3)), InputError);
  EXPECT_THROW(energy_distance(Mat::Zero(3, 2), Mat::Zero(10, 2)), InputError);
  EXPECT_THROW(energy_distance_difference(Mat::Zero(10, 2), Mat::Zero(12, 2), Mat::Zero(10, 2)), InputError);
}

}  // namespace td


namespace td {

// End to end: EDM's Heun sampler (64 levels, rho = 7) on a VP model through the view draws the data:
// energy distance to exact data samples within 4 SE of 0 (d = 2, 20000 samples each); without the
// view, more than 10 SE from it.
TEST(EdmView, EdmHeunOnAVpModelDrawsTheData) {
  GaussianMixture g;
  g.means = Mat(2, 2);
  g.means << -1.0, 0.0, 1.0, 0.5;
  g.vars = Mat::Constant(2, 2, 0.04);
  g.weights = Vec::Constant(2, 0.5);
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore inner(g, p);
  const EdmView view(inner, p);
  const uint64_t seed = 99;
  test::print_seed(seed);
  const int n = 20000;
  const Mat x = sample_edm_heun(view, edm_sigmas(64, p.sigma_tilde(p.t_min()), 80.0), n, seed);
  std::vector<uint64_t> ids(size_t(n), 0);
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(i);
  Mat y;
  sample_mixture(g, {seed, Stream::Data}, ids.data(), n, 0, y);
  const EnergyDistance e = energy_distance(x, y);
  std::printf("energy distance of Heun (64 levels, VP model in EDM units) to the data: %.5f +- %.5f\n", e.value, e.se);
  EXPECT_LE(std::abs(e.value), 4 * e.se);
  // The control: the same sampler handed the VP score as if its times were noise levels (the
  // mistake the view exists to prevent) is far from the data.
  const Mat wrong = sample_edm_heun(inner, edm_sigmas(64, p.t_min(), p.T()), n, seed);
  const EnergyDistance w = energy_distance(wrong, y);
  std::printf("the same without the view: %.5f +- %.5f\n", w.value, w.se);
  EXPECT_GT(w.value, 10 * w.se);
}

}  // namespace td
