#pragma once
// The exact score of a Gaussian mixture evolved by a forward process: s = grad log p_t.
#include <memory>
#include <vector>

#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

class MixtureScore final : public Score {
 public:
  // `reference` selects the plain scalar kernels (the oracle) instead of the vectorized ones.
  MixtureScore(GaussianMixture p0, Process process, bool reference = false);
  int dim() const override { return p0_.dim(); }
  const MixtureScore* mixture() const override { return this; }
  std::string describe() const override;
  void score(const Mat& X, double t, Mat& S) const override;
  bool has_divergence() const override { return true; }
  void score_divergence(const Mat& X, double t, Mat& S, Vec& div) const override;
  bool has_log_density() const override { return true; }
  void log_density(const Mat& X, double t, Vec& logp) const override;
  bool has_jacobian() const override { return true; }
  void jacobian(const RowVec& x, double t, Mat& J) const override;

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
  void eval(const Mat& X, double t, Mat* S, Vec* div, Vec* logp) const;
  GaussianMixture p0_;
  Process process_;
  bool reference_;
};

}  // namespace td
