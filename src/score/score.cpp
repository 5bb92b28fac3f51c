#include "score/score.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

bool Score::supports(Divergence d) const {
  return d == Divergence::None || (d == Divergence::Exact && has_divergence()) ||
         (d == Divergence::Hutchinson && (capabilities() & kHutchinson));
}

void require_support(const Score& s, Divergence d, const char* who) {
  if (s.supports(d)) return;
  throw InputError(d == Divergence::Exact
                       ? fmt::format("{}: score '{}' has no exact divergence; use Hutchinson probes", who, s.describe())
                       : fmt::format("{}: Hutchinson needs a network or a score with a Jacobian ('{}')", who, s.describe()));
}

void Score::evaluate(const ScoreRequest& q, ScoreResult& r) const {
  auto lacks = [&](const char* what) { return InputError(fmt::format("score model '{}' has no {}", describe(), what)); };
  const unsigned caps = capabilities();
  if (q.divergence == Divergence::Exact && !(caps & kExactDivergence)) throw lacks("divergence");
  if (q.divergence == Divergence::Hutchinson) {
    if (!(caps & kHutchinson)) throw lacks("Hutchinson divergence (it needs a network or a Jacobian)");
    if (!q.probes || q.probes->empty()) throw InputError("Hutchinson divergence: at least one probe is needed");
  }
  if (q.log_density && !(caps & kLogDensity)) throw lacks("log-density");
  if (q.jacobian && !(caps & kJacobian)) throw lacks("Jacobian");
  if (q.tangents && !(caps & (kJacobian | kJacobianProducts))) throw lacks("Jacobian-vector products");
  if (q.tangents && (q.tangents->rows() != q.X.rows() || q.tangents->cols() != q.X.cols()))
    throw InputError(fmt::format("Jacobian products: {} x {} tangents for {} x {} points", q.tangents->rows(),
                                 q.tangents->cols(), q.X.rows(), q.X.cols()));
  compute(q, r);
}

// The shorthands move the caller's storage into the result and back, so it is reused.
void Score::score(const Mat& X, double t, Mat& S) const {
  ScoreResult r;
  r.score.swap(S);
  evaluate({X, t}, r);
  S.swap(r.score);
}

void Score::score_divergence(const Mat& X, double t, Mat& S, Vec& div) const {
  ScoreResult r;
  r.score.swap(S);
  r.div.swap(div);
  evaluate({X, t, nullptr, Divergence::Exact}, r);
  S.swap(r.score);
  div.swap(r.div);
}

void Score::log_density(const Mat& X, double t, Vec& logp) const {
  ScoreResult r;
  r.log_density.swap(logp);
  evaluate({X, t, nullptr, Divergence::None, nullptr, true, false, false}, r);
  logp.swap(r.log_density);
}

void Score::jacobian(const RowVec& x, double t, Mat& J) const {
  ScoreResult r;
  r.jacobian.swap(J);
  const Mat X = x;
  evaluate({X, t, nullptr, Divergence::None, nullptr, false, false, false, true}, r);
  J.swap(r.jacobian);
}

void Score::jacobians(const Mat& X, double t, Mat& J) const {
  ScoreResult r;
  r.jacobian.swap(J);
  evaluate({X, t, nullptr, Divergence::None, nullptr, false, false, false, true}, r);
  J.swap(r.jacobian);
}

void Score::jacobian_products(const Mat& X, double t, const Mat& V, Mat& JV, Mat* JTV) const {
  ScoreResult r;
  ScoreRequest q{X, t};
  q.score = false, q.tangents = &V;
  evaluate(q, r);
  JV.swap(r.jv);
  if (JTV) JTV->swap(r.jtv);
}

void score_and_divergence(const Score& s, const Mat& X, double t, const std::vector<Mat>& probes, Mat& S, Vec& div,
                          const Vec* times) {
  ScoreResult r;
  s.evaluate({X, t, times, probes.empty() ? Divergence::Exact : Divergence::Hutchinson, &probes}, r);
  S.swap(r.score);
  div.swap(r.div);
}

void PointwiseScore::log_density_at(const Mat&, double, Vec&) const {
  throw InputError("score model '" + describe() + "' has no log-density");
}
void PointwiseScore::jacobian_at(const RowVec&, double, Mat&) const {
  throw InputError("score model '" + describe() + "' has no Jacobian");
}

void PointwiseScore::jacobian_products_at(const Mat& X, double t, const Mat& V, Mat& JV, Mat& JTV) const {
  JV.resize(X.rows(), X.cols());
  JTV.resize(X.rows(), X.cols());
  Mat J;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    jacobian_at(X.row(i), t, J);
    JV.row(i) = V.row(i) * J.transpose();
    JTV.row(i) = V.row(i) * J;
  }
}

void PointwiseScore::stacked_jacobians(const Mat& X, const Vec* times, double t, Mat& J) const {
  const Eigen::Index d = X.cols();
  J.resize(X.rows() * d, d);
  Mat Ji;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    jacobian_at(X.row(i), times ? (*times)[i] : t, Ji);
    J.middleRows(i * d, d) = Ji;
  }
}

// One time for the whole batch.
void PointwiseScore::compute_at(const Mat& X, double t, const ScoreRequest& q, ScoreResult& r) const {
  if (q.jacobian) return stacked_jacobians(X, nullptr, t, r.jacobian);
  if (q.tangents) return jacobian_products_at(X, t, *q.tangents, r.jv, r.jtv);
  switch (q.divergence) {
    case Divergence::None:
      if (q.score) score_at(X, t, r.score, nullptr);
      break;
    case Divergence::Exact:
      score_at(X, t, r.score, &r.div);
      break;
    case Divergence::Hutchinson: {  // v^T J v from the Jacobian, averaged over the probes
      score_at(X, t, r.score, nullptr);
      const size_t k = q.probes->size();
      r.div.setZero(X.rows());
      r.div_var.setZero(X.rows());
      if (q.per_probe) r.div_each.resize(X.rows(), Eigen::Index(k));
      Mat J;
      for (Eigen::Index i = 0; i < X.rows(); ++i) {
        jacobian_at(X.row(i), t, J);
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
  if (q.log_density) log_density_at(X, t, r.log_density);
}

void PointwiseScore::compute(const ScoreRequest& q, ScoreResult& r) const {
  if (!q.times) return compute_at(q.X, q.t, q, r);
  // A time per row: runs of equal consecutive times at once.
  const Eigen::Index n = q.X.rows();
  const Vec& t = *q.times;
  if (t.size() != n) throw InputError(fmt::format("score request: {} times for {} points", t.size(), n));
  if (q.jacobian) return stacked_jacobians(q.X, &t, 0, r.jacobian);
  if (q.tangents) {  // runs of equal times, like everything else
    r.jv.resize(n, q.X.cols()), r.jtv.resize(n, q.X.cols());
    for (Eigen::Index i = 0; i < n;) {
      Eigen::Index j = i + 1;
      while (j < n && t[j] == t[i]) ++j;
      Mat jv, jtv;
      jacobian_products_at(q.X.middleRows(i, j - i), t[i], q.tangents->middleRows(i, j - i), jv, jtv);
      r.jv.middleRows(i, j - i) = jv, r.jtv.middleRows(i, j - i) = jtv;
      i = j;
    }
    return;
  }
  if (q.score) r.score.resize(n, q.X.cols());
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
    ScoreRequest qi = q;
    qi.times = nullptr, qi.t = t[i], qi.probes = &pr;
    compute_at(Xi, t[i], qi, part);
    if (q.score) r.score.middleRows(i, j - i) = part.score;
    if (q.divergence != Divergence::None) {
      r.div.segment(i, j - i) = part.div;
      if (part.div_var.size()) r.div_var.segment(i, j - i) = part.div_var;
      if (each) r.div_each.middleRows(i, j - i) = part.div_each;
    }
    if (q.log_density) r.log_density.segment(i, j - i) = part.log_density;
    i = j;
  }
}

}  // namespace td
