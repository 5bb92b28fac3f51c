#pragma once
// Several scores evaluated at the same points, as every diagnostic that compares models on common
// paths does. Exact mixture scores with the same components and process (a target and its
// collapse models) are evaluated together: component densities and exponentials are computed once
// and only the weighted sums are per model. Results equal separate evaluation up to rounding.
#include <vector>

#include "score/score.hpp"

namespace td {

class ScoreSet {
 public:
  explicit ScoreSet(std::vector<const Score*> scores);
  size_t size() const { return scores_.size(); }
  const Score& operator[](size_t i) const { return *scores_[i]; }
  // S[i] = s_i(X, t), div[i] = div s_i(X, t); every score must have a divergence.
  void score_divergence(const Mat& X, double t, std::vector<Mat>& S, std::vector<Vec>& div) const;

 private:
  std::vector<const Score*> scores_;
  std::vector<std::vector<size_t>> groups_;  // indices into scores_, evaluated together
};

}  // namespace td
