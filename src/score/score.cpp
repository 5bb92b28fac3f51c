#include "score/score.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

bool Score::supports(Divergence d) const {
  return d == Divergence::None || (d == Divergence::Exact && has_divergence()) ||
         (d == Divergence::Hutchinson && has_jacobian());
}

void require_support(const Score& s, Divergence d, const char* who) {
  if (s.supports(d)) return;
  throw InputError(d == Divergence::Exact
                       ? fmt::format("{}: score '{}' has no exact divergence; use Hutchinson probes", who, s.describe())
                       : fmt::format("{}: Hutchinson needs a network or a score with a Jacobian ('{}')", who, s.describe()));
}

namespace {

// One time for the whole batch.
void evaluate_at(const Score& s, const Mat& X, double t, const ScoreRequest& q, ScoreResult& r) {
  switch (q.divergence) {
    case Divergence::None:
      s.score(X, t, r.score);
      break;
    case Divergence::Exact:
      s.score_divergence(X, t, r.score, r.div);
      break;
    case Divergence::Hutchinson: {  // v^T J v from the Jacobian, averaged over the probes
      s.score(X, t, r.score);
      const size_t k = q.probes->size();
      r.div.setZero(X.rows());
      r.div_var.setZero(X.rows());
      if (q.per_probe) r.div_each.resize(X.rows(), Eigen::Index(k));
      Mat J;
      for (Eigen::Index i = 0; i < X.rows(); ++i) {
        s.jacobian(X.row(i), t, J);
        double sum = 0, sum2 = 0;
        for (size_t p = 0; p < k; ++p) {
          const Mat& v = (*q.probes)[p];
          const double e = v.row(i).dot(J * v.row(i).transpose());
          sum += e, sum2 += e * e;
          if (q.per_probe) r.div_each(i, Eigen::Index(p)) = e;
        }
        r.div[i] = sum / double(k);
        if (k > 1) r.div_var[i] = std::max(0.0, sum2 - sum * sum / double(k)) / double(k - 1) / double(k);
      }
      break;
    }
  }
  if (q.log_density) s.log_density(X, t, r.log_density);
}

}  // namespace

void score_and_divergence(const Score& s, const Mat& X, double t, const std::vector<Mat>& probes, Mat& S, Vec& div,
                          const Vec* times) {
  ScoreResult r;
  s.evaluate({X, t, times, probes.empty() ? Divergence::Exact : Divergence::Hutchinson, &probes}, r);
  S.swap(r.score);
  div.swap(r.div);
}

void Score::evaluate(const ScoreRequest& q, ScoreResult& r) const {
  if (q.divergence == Divergence::Hutchinson && (!q.probes || q.probes->empty()))
    throw InputError("Hutchinson divergence: at least one probe is needed");
  if (!q.times) return evaluate_at(*this, q.X, q.t, q, r);
  // A time per row: runs of equal consecutive times at once.
  const Eigen::Index n = q.X.rows();
  const Vec& t = *q.times;
  r.score.resize(n, q.X.cols());
  if (q.divergence != Divergence::None) r.div.resize(n), r.div_var.setZero(n);
  const bool each = q.per_probe && q.divergence == Divergence::Hutchinson;
  if (each) r.div_each.resize(n, Eigen::Index(q.probes->size()));
  if (q.log_density) r.log_density.resize(n);
  std::vector<Mat> pr(q.probes ? q.probes->size() : 0);
  ScoreResult part;
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i + 1;
    while (j < n && t[j] == t[i]) ++j;
    for (size_t p = 0; p < pr.size(); ++p) pr[p] = (*q.probes)[p].middleRows(i, j - i);
    const Mat Xi = q.X.middleRows(i, j - i);
    evaluate_at(*this, Xi, t[i], {Xi, t[i], nullptr, q.divergence, &pr, q.log_density, q.per_probe}, part);
    r.score.middleRows(i, j - i) = part.score;
    if (q.divergence != Divergence::None) {
      r.div.segment(i, j - i) = part.div;
      if (part.div_var.size()) r.div_var.segment(i, j - i) = part.div_var;
      if (each) r.div_each.middleRows(i, j - i) = part.div_each;
    }
    if (q.log_density) r.log_density.segment(i, j - i) = part.log_density;
    i = j;
  }
}

void Score::score_divergence(const Mat&, double, Mat&, Vec&) const {
  throw InputError("score model '" + describe() + "' has no divergence");
}
void Score::log_density(const Mat&, double, Vec&) const {
  throw InputError("score model '" + describe() + "' has no log-density");
}
void Score::jacobian(const RowVec&, double, Mat&) const {
  throw InputError("score model '" + describe() + "' has no Jacobian");
}

}  // namespace td
