#include "score/edm_view.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

std::string EdmView::describe() const { return inner_.describe() + ", in EDM units of " + process_.describe(); }

void EdmView::compute(const ScoreRequest& q, ScoreResult& r) const {
  const Eigen::Index n = q.X.rows();
  auto time_of = [&](double s) {
    const double t = process_.time_at_sigma_tilde(s);
    if (!std::isfinite(t)) throw InputError(fmt::format("{}: no time of the process has sigma~ = {}", describe(), s));
    return t;
  };
  Vec a(n), times;  // alpha of each row; the process time of each row (per-row requests only)
  double t = 0;
  if (q.times) {
    times.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) times[i] = time_of((*q.times)[i]), a[i] = process_.alpha(times[i]);
  } else {
    t = time_of(q.t);
    a.setConstant(process_.alpha(t));
  }
  const Mat X = a.asDiagonal() * q.X;
  inner_.evaluate({X, t, q.times ? &times : nullptr, q.divergence, q.probes, false, q.per_probe}, r);
  r.score = a.asDiagonal() * r.score;
  const Vec a2 = a.array().square();
  if (r.div.size()) r.div = r.div.cwiseProduct(a2);
  if (r.div_var.size()) r.div_var = r.div_var.cwiseProduct(a2.cwiseProduct(a2));
  if (r.div_each.size()) r.div_each = a2.asDiagonal() * r.div_each;
}

}  // namespace td
