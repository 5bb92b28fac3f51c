// The geometry the score sees (issue 36; docs §8): Jacobian spectra against eq. 61 of the review, block
// Lanczos against the full spectrum, the intrinsic dimension (spectral count and noise derivative)
// against closed forms and known answers (subspace, ring, sphere, union of subspaces), and the rate
// identity g^2/2 sum_j (1/sigma^2 + E lambda_j) = g^2/2 (d/sigma^2 - E|s|^2) within its paired SE.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdio>

#include <algorithm>
#include <cmath>

#include "common.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "data/manifolds.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "observe/intrinsic_dimension.hpp"
#include "observe/score_spectrum.hpp"
#include "observe/spectral_profile.hpp"
#include "score/mixture_kernels.hpp"
#include "score/mixture_score.hpp"
#include "train/dsm_train.hpp"

namespace td {
namespace {

ManifoldSpec subspace(int d, int k, double scale) {
  ManifoldSpec m;
  m.shape = "subspace", m.dim = d, m.k = k, m.scale = scale;
  return m;
}

// Clean points of a mixture (ids 0..n-1 of the User stream).
Mat draw(const GaussianMixture& g, int n, uint64_t seed) { return draw_dataset(g, {seed, Stream::User}, n); }

// The known dimension of each point: that of its most likely component.
std::vector<int> known(const GaussianMixture& g, const ManifoldSpec& m, const Process& p, double t, const Mat& X0) {
  Mat R;
  mixture_responsibilities(g.marginal(p.alpha(t), p.sigma2(t)), p.alpha(t) * X0, R);
  std::vector<int> k;
  for (Eigen::Index i = 0; i < X0.rows(); ++i) {
    Eigen::Index c;
    R.row(i).maxCoeff(&c);
    k.push_back(m.component_dims()[size_t(c)]);
  }
  return k;
}

}  // namespace

// Gaussian data on a k-subspace: the Jacobian is constant, eigenvalues -1/(alpha^2 h^2 + sigma^2)
// (k of them) and -1/sigma^2 (d - k): eq. 61 in x units, at every point, full and Lanczos alike.
TEST(Geometry, SubspaceSpectrumIsEquation61) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 80, k = 3;
  const double h = 1.3;
  const MixtureScore s(manifold_mixture(subspace(d, k, h), {}), p);
  const double t = 0.2, a2 = p.alpha(t) * p.alpha(t), s2 = p.sigma2(t);
  const Mat X = test::points(12, d, 3);
  SpectrumOptions full;
  full.full_max_dim = d;
  const PointSpectra f = score_spectra(s, X, t, full, {5, Stream::User});
  ASSERT_TRUE(f.full);
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < d - k; ++j) EXPECT_NEAR(f.values(i, j), -1 / s2, 1e-9 / s2);
    for (int j = d - k; j < d; ++j) EXPECT_NEAR(f.values(i, j), -1 / (a2 * h * h + s2), 1e-9 / s2);
    EXPECT_EQ(f.asymmetry[i], 0.0);
  }
  // Block Lanczos (d > full_max_dim): its Krylov space closes on the two distinct values; each
  // Ritz value is one of them, and the k copies of the top one are all found by a block of 4.
  const PointSpectra l = score_spectra(s, X, t, SpectrumOptions{}, {5, Stream::User});
  ASSERT_FALSE(l.full);
  for (int i = 0; i < 12; ++i) {
    int top = 0;
    for (Eigen::Index j = 0; j < l.values.cols(); ++j) {
      const double v = l.values(i, j);
      if (std::isnan(v)) continue;
      const bool is_top = std::abs(v + 1 / (a2 * h * h + s2)) < 1e-7 / s2, is_bottom = std::abs(v + 1 / s2) < 1e-7 / s2;
      EXPECT_TRUE(is_top || is_bottom) << v;
      top += is_top;
    }
    EXPECT_EQ(top, k);
  }
  const SpectralDimension dim = spectral_dimension(l, s2);
  EXPECT_EQ(dim.dimension.minCoeff(), k);
  EXPECT_EQ(dim.dimension.maxCoeff(), k);
  EXPECT_EQ(dim.unresolved.sum(), 0.0);
}

// A spread spectrum (three components with random per-coordinate variances in d = 100): Lanczos'
// extreme Ritz values converge to the full spectrum's extremes, and every Ritz value has an
// eigenvalue within its residual bound.
TEST(Geometry, LanczosSpectrumAgreesWithTheFullOne) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 100;
  GaussianMixture g;
  g.weights = Vec::Constant(3, 1.0 / 3);
  g.means = test::points(3, d, 40);
  g.vars = (0.05 + 0.5 * (test::points(3, d, 41).array() + 3).min(6.0) / 6.0).matrix();  // in [0.05, 0.55]
  const MixtureScore s(g, p);
  const Mat X = 0.9 * test::points(8, d, 4);
  SpectrumOptions full, lz;
  full.full_max_dim = d;
  lz.block = 2, lz.steps = 20;
  const PointSpectra f = score_spectra(s, X, 0.3, full, {6, Stream::User});
  const PointSpectra l = score_spectra(s, X, 0.3, lz, {6, Stream::User});
  for (int i = 0; i < 8; ++i) {
    const double scale = f.values.row(i).cwiseAbs().maxCoeff();
    EXPECT_NEAR(l.values(i, 0), f.values(i, 0), 1e-8 * scale);
    int last = int(l.values.cols()) - 1;
    while (std::isnan(l.values(i, last))) --last;
    EXPECT_NEAR(l.values(i, last), f.values(i, d - 1), 1e-8 * scale);
    for (int j = 0; j <= last; ++j) {
      double nearest = INFINITY;
      for (int m = 0; m < d; ++m) nearest = std::min(nearest, std::abs(f.values(i, m) - l.values(i, j)));
      EXPECT_LE(nearest, l.residual(i, j) + 1e-9 * scale);
    }
  }
}

// The noise-derivative dimension on a subspace Gaussian, in closed form at each clean point x~ on it:
// k h^2/(h^2 + s~^2) + s~^2 |x~|^2/(h^2 + s~^2)^2; the spectral count is k while h > s~ and 0 past it.
TEST(Geometry, SubspaceDimensionsInClosedForm) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 10, k = 4;
  const double h = 0.7;
  const GaussianMixture g = manifold_mixture(subspace(d, k, h), {});
  const MixtureScore s(g, p);
  const Mat X0 = draw(g, 20, 7);
  for (double st : {0.02, 0.2, 0.6, 1.5}) {
    const double t = p.time_at_sigma_tilde(st), v = h * h + st * st;
    const NoiseDerivativeDimension nd = noise_derivative_dimension(s, p, X0, t, 0, {8, Stream::User});
    const PointSpectra sp = score_spectra(s, p.alpha(t) * X0, t, SpectrumOptions{}, {9, Stream::User});
    const SpectralDimension sd = spectral_dimension(sp, p.sigma2(t));
    for (int i = 0; i < 20; ++i) {
      const double want = k * h * h / v + st * st * X0.row(i).squaredNorm() / (v * v);
      EXPECT_NEAR(nd.dimension[i], want, 1e-8 * d) << "sigma~ " << st;
      EXPECT_EQ(sd.dimension[i], h > st ? k : 0) << "sigma~ " << st;
    }
  }
}

// Hutchinson's noise-derivative dimension: unbiased for the exact one, within 4 of its own SEs.
TEST(Geometry, HutchinsonNoiseDerivativeWithinItsError) {
  test::print_seed(11);
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(ring_mixture(5, 1.5, 0.3, 6), p);
  const Mat X0 = draw(ring_mixture(5, 1.5, 0.3, 6), 400, 11);
  const double t = p.time_at_sigma_tilde(0.3);
  const NoiseDerivativeDimension exact = noise_derivative_dimension(s, p, X0, t, 0, {11, Stream::User});
  const NoiseDerivativeDimension hut = noise_derivative_dimension(s, p, X0, t, 2, {11, Stream::Hutchinson});
  const double diff = (hut.dimension - exact.dimension).mean(), se = std::sqrt(hut.se.squaredNorm()) / 400;
  EXPECT_GT(se, 0);
  EXPECT_LE(std::abs(diff), 4 * se);
}

// Known answers: a ring (dimension 1) and a 2-sphere (2) in R^8 at a noise level between their
// thickness and spacing and their radius; a union of 1-, 3- and 5-dimensional subspaces, each
// point its own component's dimension, both readings.
TEST(Geometry, RingSphereAndUnionHaveTheirDimensions) {
  const Process p(default_process(ProcessKind::VP));
  ManifoldSpec ring, sphere, uni;
  ring.shape = "sphere", ring.k = 1, ring.dim = 8, ring.points = 512, ring.std = 0.004;
  sphere.shape = "sphere", sphere.k = 2, sphere.dim = 8, sphere.points = 2048, sphere.std = 0.01;
  uni.shape = "union", uni.dim = 12, uni.dims = {1, 3, 5};
  for (const ManifoldSpec& m : {ring, sphere, uni}) {
    const GaussianMixture g = manifold_mixture(m, {3, Stream::Data, 1});
    const MixtureScore s(g, p);
    const Mat X0 = draw(g, 64, 12);
    const double t = p.time_at_sigma_tilde(m.shape == "union" ? 0.15 : 0.2);
    const SpectralDimension sd = spectral_dimension(score_spectra(s, p.alpha(t) * X0, t, SpectrumOptions{}, {13, Stream::User}), p.sigma2(t));
    const NoiseDerivativeDimension nd = noise_derivative_dimension(s, p, X0, t, 0, {13, Stream::User});
    const std::vector<int> kn = known(g, m, p, t, X0);
    Moments err;
    for (int i = 0; i < 64; ++i) {
      EXPECT_EQ(sd.dimension[i], kn[size_t(i)]) << m.describe() << " point " << i;
      err.add(nd.dimension[i] - kn[size_t(i)]);
    }
    // The noise derivative reads each point's local density too (a sphere of 2048 random points is
    // lumpy at this scale), so it is asserted on average: within 4 SE plus its curvature bias,
    // O(s~^2 / R^2) = 0.04.
    std::printf("%s: noise derivative - known = %.3f +- %.3f\n", m.describe().c_str(), err.mean(), err.mean_se());
    EXPECT_LE(std::abs(err.mean()), 4 * err.mean_se() + 0.04) << m.describe();
  }
}

// The review's identity: the rate from the spectrum equals the score-norm estimator within 4
// paired SEs at every time (exact score), and for a network the spectrum's sum is its divergence.
TEST(Geometry, RateFromTheSpectrumIsTheConditionalEntropyRate) {
  test::print_seed(21);
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture g = ring_mixture(4, 1.5, 0.2, 3);
  const MixtureScore s(g, p);
  SpectralProfileOptions o;
  o.times = {0.02, 0.1, 0.3, 0.7};
  o.points = 4000;
  o.seed = 21;
  const SpectralProfile pr = spectral_profile(s, p, mixture_data(g, {21, Stream::Data}), o);
  ASSERT_TRUE(pr.full);
  for (size_t k = 0; k < o.times.size(); ++k) {
    EXPECT_LE(std::abs(pr.rate_spectrum[k] - pr.rate_score_norm[k]), 4 * pr.difference_se[k]) << "t = " << o.times[k];
    EXPECT_NEAR(pr.band_rate.row(Eigen::Index(k)).sum(), pr.rate_spectrum[k], 1e-9 * std::abs(pr.rate_spectrum[k]));
    EXPECT_NEAR(pr.band_count.row(Eigen::Index(k)).sum(), 3.0, 1e-12);
  }
  MlpSpec spec;
  spec.d = 3, spec.width = 32, spec.embed = 16;
  const NetworkScore net(std::make_shared<MlpNet>(init_mlp(spec, 4)), p, Prediction::Eps);
  const Mat X = test::points(10, 3, 5);
  SpectrumOptions full;
  const PointSpectra sp = score_spectra(net, X, 0.3, full, {22, Stream::User});
  Mat S;
  Vec div;
  net.score_divergence(X, 0.3, S, div);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(sp.values.row(i).sum(), div[i], 1e-4 * std::max(1.0, std::abs(div[i])));
  EXPECT_GT(sp.asymmetry.mean(), 0.0);  // an untrained network is no gradient field
}

// A point's spectrum is the same for any thread count (bit for bit: the batches of products are fixed
// by the points' order), and in another batch to rounding (a row's place in a vectorized product).
TEST(Geometry, SpectraIndependentOfBatchAndThreads) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(ring_mixture(6, 2.0, 0.2, 70), p);
  const Mat X = test::points(20, 70, 14);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const PointSpectra one = score_spectra(s, X, 0.3, SpectrumOptions{}, {15, Stream::User});
  omp_set_num_threads(std::max(2, threads));
  const PointSpectra all = score_spectra(s, X, 0.3, SpectrumOptions{}, {15, Stream::User});
  omp_set_num_threads(threads);
  EXPECT_TRUE(one.values.cwiseEqual(all.values).count() + one.values.array().isNaN().count() == one.values.size());
  const PointSpectra tail = score_spectra(s, X.bottomRows(7), 0.3, SpectrumOptions{}, {15, Stream::User}, 13);
  for (int i = 0; i < 7; ++i)
    for (Eigen::Index j = 0; j < all.values.cols(); ++j)
      if (!std::isnan(all.values(13 + i, j))) EXPECT_NEAR(all.values(13 + i, j), tail.values(i, j), 1e-12 * std::abs(tail.values(i, j)));
}

TEST(Geometry, BadInputsGetClearErrors) {
  ManifoldSpec m;
  m.shape = "torus";
  EXPECT_THROW(m.validate("manifold"), InputError);
  m.shape = "union", m.dim = 5, m.dims = {2, 3};
  EXPECT_THROW(m.validate("manifold"), InputError);  // the blocks leave no coordinate for the shifts
  SpectrumOptions o;
  o.block = 0;
  EXPECT_THROW(o.validate("spectrum"), InputError);
  PointSpectra sp;
  EXPECT_THROW(spectral_dimension(sp, 0.0), InputError);
}

}  // namespace td
