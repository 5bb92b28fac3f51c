#include "nn/network.hpp"

#include "core/interrupt.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/nonfinite.hpp"
#include "core/rng.hpp"

namespace td {

Prediction parse_prediction(const std::string& name) {
  if (name == "eps") return Prediction::Eps;
  if (name == "score") return Prediction::Score;
  if (name == "x0") return Prediction::X0;
  throw InputError("unknown prediction type '" + name + "' (expected eps, score or x0)");
}

std::string prediction_name(Prediction p) {
  switch (p) {
    case Prediction::Eps: return "eps";
    case Prediction::Score: return "score";
    case Prediction::X0: return "x0";
  }
  return "?";
}

void score_to_prediction(Prediction p, const Process& process, const Mat& X, double t, const Mat& S, Mat& F) {
  const double a = process.alpha(t), s2 = process.sigma2(t);
  switch (p) {
    case Prediction::Eps: F = -std::sqrt(s2) * S; break;
    case Prediction::Score: F = S; break;
    case Prediction::X0: F = (X + s2 * S) / a; break;
  }
}

void prediction_to_score(Prediction p, const Process& process, const Mat& X, const Vec& t, const Mat& F, Mat& S,
                         const Vec* tr, Vec* div) {
  // Coefficients per time (one, or one per row), then per row.
  const Eigen::Index n = F.rows(), m = t.size();
  Vec a(m), s2(m), sg(m);  // sg by std::sqrt: Eigen's packet sqrt may differ by an ulp with the row's position
  for (Eigen::Index i = 0; i < m; ++i) {
    a[i] = process.alpha(t[i]);
    s2[i] = process.sigma2(t[i]);
    sg[i] = std::sqrt(s2[i]);
    if (!(s2[i] > 0)) throw RunError(fmt::format("network score at t = {}: sigma(t) = 0 (use t >= t_min > 0)", t[i]));
  }
  if (m == 1 && n != 1) {
    a = Vec::Constant(n, a[0]);
    s2 = Vec::Constant(n, s2[0]);
    sg = Vec::Constant(n, sg[0]);
  }
  const int d = int(F.cols());
  switch (p) {
    case Prediction::Eps:
      S = (-F).array().colwise() / sg.array();
      if (div) *div = -tr->array() / sg.array();
      break;
    case Prediction::Score:
      S = F;
      if (div) *div = *tr;
      break;
    case Prediction::X0:
      S = ((F.array().colwise() * a.array()) - X.array()).colwise() / s2.array();
      if (div) *div = (a.array() * tr->array() - d) / s2.array();
      break;
  }
}

void Network::check_batch(const Mat& X, const Vec& t) const {
  if (X.cols() != dim())
    throw InputError(fmt::format("{}: points have {} coordinates, expected {}", describe(), X.cols(), dim()));
  if (t.size() != 1 && t.size() != X.rows())
    throw InputError(fmt::format("{}: {} times for {} points (give one, or one per point)", describe(), t.size(), X.rows()));
}

void Network::jacobians(const Mat& X, const Vec& t, Mat& J) const {
  check_batch(X, t);
  const Eigen::Index n = X.rows(), d = dim();
  Mat Xr(n * d, d), E(n * d, d), out, JV, JTV;
  Vec tr(t.size() == 1 ? 1 : n * d);
  for (Eigen::Index i = 0; i < n; ++i) {
    Xr.middleRows(i * d, d) = X.row(i).replicate(d, 1);
    E.middleRows(i * d, d).setIdentity();
    if (t.size() > 1) tr.segment(i * d, d).setConstant(t[i]);
  }
  if (t.size() == 1) tr = t;
  jacobian_products(Xr, tr, E, out, JV, JTV);
  J.resize(n * d, d);
  for (Eigen::Index i = 0; i < n; ++i) J.middleRows(i * d, d) = JTV.middleRows(i * d, d);  // row k: J^T e_k, row k of J
}

NetworkScore::NetworkScore(std::shared_ptr<const Network> net, Process process, Prediction prediction, std::string name)
    : net_(std::move(net)), process_(std::move(process)), prediction_(prediction), name_(std::move(name)) {
  if (!net_) throw InputError("network score: no network");
}

std::string NetworkScore::describe() const {
  return fmt::format("{} ({}-prediction)", net_->describe(), prediction_name(prediction_));
}

void NetworkScore::check_output(const Mat& X, const Vec& t, const Mat& F, const Vec* tr) const {
  auto bad = [&](Eigen::Index i) { return !F.row(i).allFinite() || (tr && !std::isfinite((*tr)[i])); };
  Eigen::Index first = -1, count = 0;
  for (Eigen::Index i = 0; i < F.rows(); ++i)
    if (bad(i)) count++, first = first < 0 ? i : first;
  if (!count) return;
  std::string what = fmt::format("the divergence (Jacobian trace) of row {} is {}", first, tr ? (*tr)[first] : 0.0);
  for (Eigen::Index k = F.cols() - 1; k >= 0; --k)  // the first bad coordinate
    if (!std::isfinite(F(first, k))) what = fmt::format("output[{}, {}] = {}", first, k, F(first, k));
  std::string x;
  for (Eigen::Index k = 0; k < std::min<Eigen::Index>(X.cols(), 4); ++k) x += fmt::format("{}{:.4g}", k ? ", " : "", X(first, k));
  note_nonfinite(fmt::format("{}{}: outputs", name_.empty() ? "" : "model '" + name_ + "', ", describe()),
                 fmt::format("{} at t = {:.6g} (first bad row {} of {}, x = [{}{}]; {} rows bad)", what,
                             t.size() == 1 ? t[0] : t[first], first, F.rows(), x, X.cols() > 4 ? ", ..." : "", count),
                 count);
}

// A failure inside the network names the config's model too.
template <class F>
void NetworkScore::named(F&& call) const {
  if (name_.empty()) return call();
  try {
    call();
  } catch (const Interrupted&) {
    throw;  // a stop, not the model's failure
  } catch (const InputError& e) {
    throw InputError(fmt::format("model '{}': {}", name_, e.what()));
  } catch (const RunError& e) {
    throw RunError(fmt::format("model '{}': {}", name_, e.what()));
  }
}

std::pair<double, double> NetworkScore::jacobian_affine(double t) const {
  switch (prediction_) {
    case Prediction::Eps: return {-1.0 / process_.sigma(t), 0.0};
    case Prediction::X0: return {process_.alpha(t) / process_.sigma2(t), -1.0 / process_.sigma2(t)};
    case Prediction::Score: break;
  }
  return {1.0, 0.0};
}

void NetworkScore::compute_products(const ScoreRequest& q, const Vec& tv, ScoreResult& r) const {
  Mat F;
  named([&] { net_->jacobian_products(q.X, tv, *q.tangents, F, r.jv, r.jtv); });
  check_output(q.X, tv, F, nullptr);
  for (Eigen::Index i = 0; i < q.X.rows(); ++i) {
    const auto [a, b] = jacobian_affine(tv.size() == 1 ? tv[0] : tv[i]);
    r.jv.row(i) = a * r.jv.row(i) + b * q.tangents->row(i);
    r.jtv.row(i) = a * r.jtv.row(i) + b * q.tangents->row(i);
  }
}

void NetworkScore::compute_jacobians(const ScoreRequest& q, const Vec& tv, ScoreResult& r) const {
  named([&] { net_->jacobians(q.X, tv, r.jacobian); });
  const Eigen::Index d = q.X.cols();
  for (Eigen::Index i = 0; i < q.X.rows(); ++i) {
    const double t = tv.size() == 1 ? tv[0] : tv[i];
    const auto [a, b] = jacobian_affine(t);
    auto J = r.jacobian.middleRows(i * d, d);
    J *= a;
    J.diagonal().array() += b;
    if (!J.allFinite())
      throw RunError(fmt::format("{}{}: its Jacobian at row {} (t = {:.6g}) is not finite", name_.empty() ? "" : "model '" + name_ + "', ",
                                 describe(), i, t));
  }
}

void NetworkScore::compute(const ScoreRequest& q, ScoreResult& r) const {
  const Vec tv = q.times ? *q.times : Vec::Constant(1, q.t);
  if (q.tangents) return compute_products(q, tv, r);
  if (q.jacobian) return compute_jacobians(q, tv, r);
  Mat F;
  if (q.divergence == Divergence::None) {
    named([&] { net_->forward(q.X, tv, F); });
    check_output(q.X, tv, F, nullptr);
    prediction_to_score(prediction_, process_, q.X, tv, F, r.score);
    return;
  }
  Vec tr;
  Mat per;  // Hutchinson: the per-probe estimates v . J v
  if (q.divergence == Divergence::Exact) {
    named([&] { net_->forward_trace(q.X, tv, F, tr); });
  } else {
    named([&] { net_->forward_quadratic(q.X, tv, *q.probes, F, per); });
    tr = per.rowwise().mean();
  }
  check_output(q.X, tv, F, &tr);
  prediction_to_score(prediction_, process_, q.X, tv, F, r.score, &tr, &r.div);
  const Eigen::Index n = q.X.rows(), k = per.cols();
  r.div_var.setZero(n);
  if (q.per_probe && k > 0) r.div_each.resize(n, k);
  if (k < 2 && !q.per_probe) return;
  // The adapter is affine in the trace with slope c(t): each probe's divergence is div + c (v.Jv - tr),
  // and the variance scales by c^2.
  for (Eigen::Index i = 0; i < n; ++i) {
    const double c = jacobian_affine(tv.size() == 1 ? tv[0] : tv[i]).first;
    if (k > 1) r.div_var[i] = (per.row(i).array() - tr[i]).matrix().squaredNorm() / double(k - 1) / double(k) * (c * c);
    if (q.per_probe) r.div_each.row(i) = r.div[i] + c * (per.row(i).array() - tr[i]);
  }
}

}  // namespace td
