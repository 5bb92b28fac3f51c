#pragma once
// Controlled score errors: s' = (1 + eps) s (a gradient, but not of a density evolving under the
// forward process), or s' = s + eps * Omega s with Omega a rotation by 90 degrees in coordinate
// pairs (0,1), (2,3), ...: a divergence-free, non-gradient error when s is a gradient field
// (div(Omega s) = tr(Omega grad s) = 0 for symmetric grad s).
#include <memory>

#include "score/score.hpp"

namespace td {

enum class PerturbKind { Scale, Rotate };

class PerturbedScore final : public PointwiseScore {
 public:
  PerturbedScore(std::shared_ptr<const Score> base, PerturbKind kind, double eps);
  int dim() const override { return base_->dim(); }
  std::string describe() const override;
  // The base's divergence and Jacobian (Hutchinson's divergence from that Jacobian); no log-density:
  // a perturbed score is not the gradient of a density that evolves under the forward process.
  unsigned capabilities() const override;

 private:
  void score_at(const Mat& X, double t, Mat& S, Vec* div) const override;
  void jacobian_at(const RowVec& x, double t, Mat& J) const override;
  void apply(Mat& S) const;
  std::shared_ptr<const Score> base_;
  PerturbKind kind_;
  double eps_;
};

}  // namespace td
