#pragma once
// Controlled score errors: s' = (1 + eps) s (a gradient, but not of a density evolving under the
// forward process), or s' = s + eps * Omega s with Omega a rotation by 90 degrees in coordinate
// pairs (0,1), (2,3), ...: a divergence-free, non-gradient error when s is a gradient field
// (div(Omega s) = tr(Omega grad s) = 0 for symmetric grad s).
#include <memory>

#include "score/score.hpp"

namespace td {

enum class PerturbKind { Scale, Rotate };

class PerturbedScore final : public Score {
 public:
  PerturbedScore(std::shared_ptr<const Score> base, PerturbKind kind, double eps);
  int dim() const override { return base_->dim(); }
  std::string describe() const override;
  void score(const Mat& X, double t, Mat& S) const override;
  bool has_divergence() const override { return base_->has_divergence(); }
  void score_divergence(const Mat& X, double t, Mat& S, Vec& div) const override;
  bool has_jacobian() const override { return base_->has_jacobian(); }
  void jacobian(const RowVec& x, double t, Mat& J) const override;

 private:
  void apply(Mat& S) const;
  std::shared_ptr<const Score> base_;
  PerturbKind kind_;
  double eps_;
};

}  // namespace td
