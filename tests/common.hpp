#pragma once
// Shared fixtures for the tests: the ring target, mixture samplers, and a helper that prints the
// seed of every statistical test (so a failure can be reproduced).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "core/rng.hpp"
#include "data/mixture.hpp"
#include "observe/sm_objective.hpp"
#include "process/process.hpp"
#include "score/mixture_score.hpp"
#include "sim/ensemble.hpp"

namespace td::test {

inline void print_seed(uint64_t seed) { std::cout << "[ seed     ] " << seed << std::endl; }

inline InitFn init_at(const GaussianMixture& gm, const Process& p, double t, RngKey key) {
  auto s = mixture_marginal_sampler(gm, p, key);
  return [s, t](const uint64_t* ids, int n, Mat& X) { s(t, ids, n, 0, X); };
}

// Combined tolerance k * sqrt(a^2 + b^2) for comparing two independent estimates.
inline double tol(double se_a, double se_b, double k = 4.0) { return k * std::sqrt(se_a * se_a + se_b * se_b); }

// n standard-normal test points in d dimensions (ids 0..n-1 of the User stream).
inline Mat points(int n, int d, uint64_t seed) {
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = uint64_t(i);
  Mat X;
  normal_block({seed, Stream::User}, ids.data(), n, 0, d, X);
  return X;
}

inline GaussianMixture collapse_ring(int K, double R, double std, int m, double alpha) {
  GaussianMixture g = ring_mixture(K, R, std);
  g.weights = collapse_weights(K, m, alpha);
  return g;
}

// Two off-axis components with unequal weights and variances: a non-Gaussian density whose score
// has a Jacobian with off-diagonal entries.
inline GaussianMixture two_modes() {
  GaussianMixture g;
  g.weights = Vec(2);
  g.weights << 0.3, 0.7;
  g.means = Mat(2, 2);
  g.means << 1.0, 1.0, -1.0, -0.5;
  g.vars = Mat(2, 2);
  g.vars << 0.3, 0.2, 0.25, 0.4;
  return g;
}

// Delta components at the rows of Y with weights w (normalized here; empty: equal).
inline GaussianMixture delta_mixture(const Mat& Y, Vec w = Vec()) {
  if (w.size() == 0) w = Vec::Ones(Y.rows());
  GaussianMixture g;
  g.weights = w / w.sum();
  g.means = Y;
  g.vars = Mat::Zero(Y.rows(), Y.cols());
  return g;
}

// One Gaussian N(0, var I) in d dimensions, as a mixture.
inline GaussianMixture isotropic_gaussian(int d, double var) {
  GaussianMixture g;
  g.weights = Vec::Ones(1);
  g.means = Mat::Zero(1, d);
  g.vars = Mat::Constant(1, d, var);
  return g;
}

// Least-squares slope of ln y against ln x: the fitted order of a convergence or scaling law.
inline double fit_order(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += std::log(x[i]) / double(n), my += std::log(y[i]) / double(n);
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxy / sxx;
}

}  // namespace td::test
