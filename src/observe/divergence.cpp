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

}  // namespace td
