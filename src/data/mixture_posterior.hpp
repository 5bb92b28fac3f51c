#pragma once
// The posterior p(x_0 | x_t = x) of Gaussian-mixture data under a linear kernel x_t = alpha x_0 +
// sigma z (docs §5). It is again a mixture: weights r_k(x), the responsibilities of the marginal
// components N(alpha mu_k, alpha^2 s_k^2 + sigma^2), and per component a Gaussian with coordinate
// variances v_kj = s_kj^2 sigma^2 / (sigma^2 + alpha^2 s_kj^2) and means
// m_kj = (sigma^2 mu_kj + alpha s_kj^2 x_j) / (sigma^2 + alpha^2 s_kj^2) (delta components: v = 0, m = mu).
#include "core/types.hpp"
#include "data/mixture.hpp"

namespace td {

struct Kernel {
  double alpha = 1, sigma2 = 1;
};

// Responsibilities r_k(x_i) (n x K), vectorized over points, stable for any K.
void posterior_weights(const GaussianMixture& data, const Kernel& k, const Mat& X, Mat& R);

// Posterior mean E[x_0|x] (n x d) and tr Var(x_0|x) (n), either may be null. The trace is
// sum_k r_k (sum_j v_kj + |m_k - mean|^2), free of the cancellation of E|x_0|^2 - |mean|^2.
void posterior_moments(const GaussianMixture& data, const Kernel& k, const Mat& X, Mat* mean, Vec* trace_var);

// Entropy h(x) = H[p(x_0 | x_t = x)] per point [nats], by the rule that is exact for the data:
//   delta data (all s = 0): -sum_k r_k ln r_k (Shannon entropy of the discrete posterior);
//   d = 1: -sum_k r_k E_{N(m_k, v_k)} ln q(x_0) by Gauss-Hermite quadrature (`nodes` per component);
//   otherwise the chain rule h = sum_k r_k h_k + H(r) - E[H(z|x_0)|x] without its last term
//   (the component given x_0), which vanishes for well-separated components: an upper bound.
// Mixed delta/Gaussian data has no finite entropy and is rejected.
enum class PosteriorEntropyRule { Discrete, Quadrature1D, ChainRule };
PosteriorEntropyRule posterior_entropy_rule(const GaussianMixture& data);
const char* posterior_entropy_rule_name(PosteriorEntropyRule r);
void posterior_entropy(const GaussianMixture& data, const Kernel& k, const Mat& X, Vec& h, int nodes = 160);

}  // namespace td
