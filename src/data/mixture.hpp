#pragma once
// Gaussian mixtures p_0 = sum_k w_k N(mu_k, diag(s_k^2)) (docs §1); a delta mixture has s_k = 0.
// Under any linear forward process the marginal stays a mixture: N(alpha mu_k, alpha^2 s_k^2 + sigma^2).
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "data/data_fn.hpp"

namespace td {

struct GaussianMixture {
  Vec weights;  // K, positive, summing to 1
  Mat means;    // K x d
  Mat vars;     // K x d per-coordinate variances s_k^2 (>= 0; 0 = delta component)

  int K() const { return int(weights.size()); }
  int dim() const { return int(means.cols()); }
  // Throws InputError naming `where` if shapes, weights or variances are invalid.
  void validate(const std::string& where) const;
  // Marginal at time t of a process with kernel (alpha, sigma2).
  GaussianMixture marginal(double alpha, double sigma2) const;
  // The same into `out`, reusing its storage (hot paths call it every step).
  void marginal_into(double alpha, double sigma2, GaussianMixture& out) const;
};

// K equal isotropic modes on a circle of radius R in the first two coordinates (d >= 2).
GaussianMixture ring_mixture(int K, double radius, double std, int d = 2);
// Two equal-weight Gaussians N(+-m 1, var I) in d dimensions (Biroli et al.'s speciation data).
GaussianMixture symmetric_pair(int d, double m = 1.0, double var = 1.0);
// Mode-collapse weights: the first m modes get alpha/K, the rest share 1 - m alpha/K (docs §1).
Vec collapse_weights(int K, int m, double alpha);

// Samples x_i ~ mixture for trajectory ids, as an n x d batch: component from uniform (stream,
// id, step, 0), Gaussian part from normals (stream, id, step + 1, j).
void sample_mixture(const GaussianMixture& gm, const RngKey& key, const uint64_t* ids, int n,
                    uint64_t step, Mat& X);
// A fixed data set: n points (ids 0..n-1) drawn from the mixture (training points, empirical data).
Mat draw_dataset(const GaussianMixture& gm, const RngKey& key, int n);
// The same as a data source (draws at `step`).
DataFn mixture_data(const GaussianMixture& gm, const RngKey& key, uint64_t step = 0);

// Separated-mode closed forms (docs §2.5, eqs 53-55) for target weights 1/K and model weights w:
// KL = -(1/K) sum ln c_k, V = (1/K) sum ln^2 c_k - KL^2, c_k = K w_k.
double kl_separated_uniform(const Vec& model_weights);
double relvar_separated_uniform(const Vec& model_weights);

}  // namespace td
