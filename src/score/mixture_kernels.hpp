#pragma once
// Exact Gaussian-mixture marginal quantities (docs §1) for a batch. `marg` is the marginal
// mixture at time t (means alpha mu_k, variances alpha^2 s_k^2 + sigma^2, all > 0).
// Any of S, div, logp may be null. The fast kernel vectorizes over the batch; the reference is a
// plain per-point loop in strict double kept as the oracle (tests compare them, NMSE <= 1e-12).
#include <vector>

#include "core/types.hpp"
#include "data/mixture.hpp"

namespace td {

void mixture_eval_fast(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp);
// Several mixtures with the components of `components` (its weights unused) and their own weights,
// at the same points: component densities and exponentials are computed once for all of them.
struct MixtureOutputs {
  const Vec* weights;  // K, summing to 1
  Mat* S;              // any of S, div, logp may be null
  Vec* div;
  Vec* logp;
};
void mixture_eval_fast(const GaussianMixture& components, const Mat& X, const std::vector<MixtureOutputs>& outs);
void mixture_eval_reference(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp);
// Responsibilities r_k(x) (n x K) and the Jacobian at one point (reference path only).
void mixture_responsibilities(const GaussianMixture& marg, const Mat& X, Mat& R);
void mixture_jacobian(const GaussianMixture& marg, const RowVec& x, Mat& J);
// JV.row(i) = J(x_i) v_i for every row, without forming a d x d Jacobian: O(K d) per point,
// J v = sum_k r_k ((s_k - s)((s_k - s) . v) - v / var_k), s_k = (mean_k - x) / var_k, s = sum_k r_k s_k.
void mixture_jacobian_products(const GaussianMixture& marg, const Mat& X, const Mat& V, Mat& JV);

}  // namespace td
