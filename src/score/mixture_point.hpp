#pragma once
// The exact Gaussian-mixture quantities (docs §1) at one point, in strict double: log p, the score
// s = grad log p and its divergence. Written once for the CPU (mixture_eval_reference, the oracle) and
// the CUDA platform (one thread per point), so the CPU tests check the GPU's arithmetic.
#include <cmath>

#include "core/host_device.hpp"

namespace td {

// A mixture as raw arrays in Eigen's column-major layout: element (k, j) at [k + j K], seen through
// a forward kernel (alpha, sigma2): the marginal N(alpha mu_k, alpha^2 s_k^2 + sigma2), with the
// arithmetic of GaussianMixture::marginal (exact for the defaults 1, 0: the arrays as they are).
struct MixtureArrays {
  int K = 0, d = 0;
  const double* weights = nullptr;  // K
  const double* means = nullptr;    // K x d
  const double* vars = nullptr;     // K x d; the marginal's must be > 0
  double alpha = 1, sigma2 = 0;
  TD_HD double mean(int k, int j) const { return alpha * means[k + j * K]; }
  TD_HD double var(int k, int j) const { return (alpha * alpha) * vars[k + j * K] + sigma2; }
  // The same arrays seen through the kernel (alpha, sigma2) of time t: the marginal p_t of p_0.
  TD_HD MixtureArrays at(double alpha_t, double sigma2_t) const {
    MixtureArrays g = *this;
    g.alpha = alpha_t;
    g.sigma2 = sigma2_t;
    return g;
  }
};

// log w_k - sum_j (x_j - m_kj)^2 / (2 v_kj) - 1/2 sum_j ln(2 pi v_kj); x_j at x[j xs].
TD_HD double mixture_logit(const MixtureArrays& g, int k, const double* x, int xs) {
  double l = log(g.weights[k]);
  for (int j = 0; j < g.d; ++j) {
    const double v = g.var(k, j), diff = x[j * xs] - g.mean(k, j);
    l -= 0.5 * diff * diff / v + 0.5 * log(2.0 * 3.14159265358979323846 * v);
  }
  return l;
}

// The responsibilities r[0..K) of x and log p(x).
TD_HD double mixture_responsibilities_at(const MixtureArrays& g, const double* x, int xs, double* r) {
  double mx = -INFINITY;
  for (int k = 0; k < g.K; ++k) {
    r[k] = mixture_logit(g, k, x, xs);
    mx = r[k] > mx ? r[k] : mx;
  }
  double sum = 0;
  for (int k = 0; k < g.K; ++k) sum += (r[k] = exp(r[k] - mx));
  for (int k = 0; k < g.K; ++k) r[k] /= sum;
  return mx + log(sum);
}

// log p(x); with s non-null also the score (s_j at s[j ss]) and, with div non-null, its divergence
//   div = sum_k r_k (|s_k|^2 - sum_j 1/v_kj) - |s|^2,  s_k = (m_k - x) / v_k,  s = sum_k r_k s_k.
// r is K doubles of scratch.
TD_HD double mixture_point(const MixtureArrays& g, const double* x, int xs, double* r, double* s, int ss, double* div) {
  const double lp = mixture_responsibilities_at(g, x, xs, r);
  if (!s) return lp;
  for (int j = 0; j < g.d; ++j) s[j * ss] = 0;
  double acc = 0;
  for (int k = 0; k < g.K; ++k) {
    double sq = 0, tr = 0;
    for (int j = 0; j < g.d; ++j) {
      const double v = g.var(k, j), sk = (g.mean(k, j) - x[j * xs]) / v;
      sq += sk * sk;
      tr += 1.0 / v;
      s[j * ss] += r[k] * sk;
    }
    acc += r[k] * (sq - tr);
  }
  if (div) {
    double s2 = 0;
    for (int j = 0; j < g.d; ++j) s2 += s[j * ss] * s[j * ss];
    *div = acc - s2;
  }
  return lp;
}

}  // namespace td
