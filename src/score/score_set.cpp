#include "score/score_set.hpp"

#include "score/mixture_score.hpp"

namespace td {

ScoreSet::ScoreSet(std::vector<const Score*> scores) : scores_(std::move(scores)) {
  for (size_t i = 0; i < scores_.size(); ++i) {
    const MixtureScore* mi = scores_[i]->mixture();
    bool placed = false;
    for (auto& g : groups_) {
      const MixtureScore* m0 = scores_[g[0]]->mixture();
      if (mi && m0 && mi->shares_components_with(*m0)) {
        g.push_back(i);
        placed = true;
        break;
      }
    }
    if (!placed) groups_.push_back({i});
  }
}

void ScoreSet::score_divergence(const Mat& X, double t, std::vector<Mat>& S, std::vector<Vec>& div) const {
  S.resize(scores_.size());
  div.resize(scores_.size());
  thread_local std::vector<const MixtureScore*> members;
  thread_local std::vector<Mat*> Sp;
  thread_local std::vector<Vec*> dp;
  for (const auto& g : groups_) {
    if (g.size() == 1) {
      scores_[g[0]]->score_divergence(X, t, S[g[0]], div[g[0]]);
      continue;
    }
    members.clear();
    Sp.clear();
    dp.clear();
    for (size_t i : g) {
      members.push_back(scores_[i]->mixture());  // grouped only when both are mixtures
      Sp.push_back(&S[i]);
      dp.push_back(&div[i]);
    }
    MixtureScore::score_divergence_shared(members, X, t, Sp, dp);
  }
}

}  // namespace td
