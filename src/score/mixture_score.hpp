#pragma once
// The exact score of a Gaussian mixture evolved by a forward process: s = grad log p_t.
#include <memory>
#include <vector>

#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

class MixtureScore final : public PointwiseScore {
 public:
  // `reference` selects the plain scalar kernels (the oracle) instead of the vectorized ones.
  MixtureScore(GaussianMixture p0, Process process, bool reference = false);
  int dim() const override { return p0_.dim(); }
  const MixtureScore* mixture() const override { return this; }
  std::string describe() const override;
  unsigned capabilities() const override { return kExactDivergence | kHutchinson | kLogDensity | kJacobian; }

  const GaussianMixture& data() const { return p0_; }
  // Same component means and variances and the same process (weights may differ), both fast.
  bool shares_components_with(const MixtureScore& o) const;
  // score_divergence of several scores that share components, in one pass (score/score_set.hpp).
  static void score_divergence_shared(const std::vector<const MixtureScore*>& scores, const Mat& X, double t,
                                      const std::vector<Mat*>& S, const std::vector<Vec*>& div);
  GaussianMixture marginal(double t) const;  // throws RunError if a variance is 0 at t
  // The same in a per-thread buffer, valid until this thread's next call (the per-step hot paths).
  const GaussianMixture& marginal_buffer(double t) const;

 private:
  void score_at(const Mat& X, double t, Mat& S, Vec* div) const override { eval(X, t, &S, div, nullptr); }
  void log_density_at(const Mat& X, double t, Vec& logp) const override { eval(X, t, nullptr, nullptr, &logp); }
  void jacobian_at(const RowVec& x, double t, Mat& J) const override;
  // O(K d) per point without the d x d matrix; J is symmetric (a Hessian), so JTV = JV.
  void jacobian_products_at(const Mat& X, double t, const Mat& V, Mat& JV, Mat& JTV) const override;
  void eval(const Mat& X, double t, Mat* S, Vec* div, Vec* logp) const;
  GaussianMixture p0_;
  Process process_;
  bool reference_;
};

}  // namespace td
