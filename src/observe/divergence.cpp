#include "observe/divergence.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "nn/network.hpp"

namespace td {

void require_divergence(const Score& s, int probes, const char* who) {
  if (probes == 0 && !s.has_divergence())
    throw InputError(fmt::format("{}: score '{}' has no exact divergence; use Hutchinson probes", who, s.describe()));
  if (probes > 0 && !dynamic_cast<const NetworkScore*>(&s) && !s.has_jacobian())
    throw InputError(fmt::format("{}: Hutchinson needs a network or a score with a Jacobian ('{}')", who, s.describe()));
}

void score_and_divergence(const Score& s, const Mat& X, double t, const std::vector<Mat>& probes, Mat& S, Vec& div) {
  if (probes.empty()) return s.score_divergence(X, t, S, div);
  if (const auto* net = dynamic_cast<const NetworkScore*>(&s)) {
    Vec var;
    return net->score_divergence_hutchinson(X, t, probes, S, div, var);
  }
  s.score(X, t, S);
  div.setZero(X.rows());
  Mat J;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    s.jacobian(X.row(i), t, J);
    for (const Mat& v : probes) div[i] += v.row(i).dot(J * v.row(i).transpose());
  }
  div /= double(probes.size());
}

void score_and_divergence(const Score& s, const Mat& X, const Vec& t, const std::vector<Mat>& probes, Mat& S,
                          Vec& div) {
  if (const auto* net = dynamic_cast<const NetworkScore*>(&s)) return net->score_divergence_rows(X, t, probes, S, div);
  const Eigen::Index n = X.rows();
  S.resize(n, X.cols());
  div.resize(n);
  Mat Sr;
  Vec dr;
  std::vector<Mat> pr(probes.size());
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i + 1;
    while (j < n && t[j] == t[i]) ++j;
    for (size_t q = 0; q < probes.size(); ++q) pr[q] = probes[q].middleRows(i, j - i);
    score_and_divergence(s, X.middleRows(i, j - i), t[i], pr, Sr, dr);
    S.middleRows(i, j - i) = Sr;
    div.segment(i, j - i) = dr;
    i = j;
  }
}

}  // namespace td
