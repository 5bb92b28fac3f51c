#include "score/perturbed_score.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

PerturbedScore::PerturbedScore(std::shared_ptr<const Score> base, PerturbKind kind, double eps)
    : base_(std::move(base)), kind_(kind), eps_(eps) {
  if (kind_ == PerturbKind::Rotate && base_->dim() < 2)
    throw InputError("perturbation 'rotate' needs dimension >= 2");
}

std::string PerturbedScore::describe() const {
  return fmt::format("{} of [{}] with eps = {}", kind_ == PerturbKind::Scale ? "(1+eps) scaling" : "rotation",
                     base_->describe(), eps_);
}

void PerturbedScore::apply(Mat& S) const {
  if (kind_ == PerturbKind::Scale) {
    S *= (1.0 + eps_);
    return;
  }
  for (int j = 0; j + 1 < S.cols(); j += 2) {
    auto a = S.col(j).eval();
    S.col(j) -= eps_ * S.col(j + 1);  // (Omega s)_j = -s_{j+1}
    S.col(j + 1) += eps_ * a;         // (Omega s)_{j+1} = s_j
  }
}

unsigned PerturbedScore::capabilities() const {
  const unsigned base = base_->capabilities();
  return (base & (kExactDivergence | kJacobian)) | ((base & kJacobian) ? kHutchinson : 0u);
}

void PerturbedScore::score_at(const Mat& X, double t, Mat& S, Vec* div) const {
  if (div)
    base_->score_divergence(X, t, S, *div);
  else
    base_->score(X, t, S);
  apply(S);
  if (div && kind_ == PerturbKind::Scale) *div *= (1.0 + eps_);  // rotation leaves div unchanged
}

void PerturbedScore::jacobian_at(const RowVec& x, double t, Mat& J) const {
  base_->jacobian(x, t, J);
  if (kind_ == PerturbKind::Scale) {
    J *= (1.0 + eps_);
    return;
  }
  Mat O = Mat::Zero(J.rows(), J.cols());
  for (int j = 0; j + 1 < J.rows(); j += 2) {
    O(j, j + 1) = -1.0;
    O(j + 1, j) = 1.0;
  }
  J = J + eps_ * O * J;
}

}  // namespace td
