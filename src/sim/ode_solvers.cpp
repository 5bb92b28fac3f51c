#include "sim/ode_solvers.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/integrators.hpp"

namespace td {
namespace {

double rms_scaled(const Eigen::Ref<const RowVec>& v, const Eigen::Ref<const RowVec>& scale) {
  return std::sqrt((v.array() / scale.array()).square().mean());
}

std::vector<int> all_rows(int n) {
  std::vector<int> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

OdeSolveStats fresh_stats(int n, double t0) {
  OdeSolveStats s;
  s.t.setConstant(n, t0);
  s.nfe.assign(size_t(n), 0);
  s.steps.assign(size_t(n), 0);
  s.incomplete.assign(size_t(n), 0);
  return s;
}

// The first step of each row (Hairer, Norsett & Wanner II.4): two evaluations. F0 = f(Y, t0).
Vec initial_steps(const RowsRhs& f, const Mat& Y, const Mat& F0, double t0, double t1, const AdaptiveOdeOptions& o) {
  const int n = int(Y.rows()), w = int(Y.cols());
  Vec h0(n), h(n);
  Mat Ye(n, w), F1;
  for (int i = 0; i < n; ++i) {
    const RowVec scale = (o.atol + o.rtol * Y.row(i).array().abs()).matrix();
    const double d0 = rms_scaled(Y.row(i), scale), d1 = rms_scaled(F0.row(i), scale);
    h0[i] = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0[i] = std::min(h0[i], t1 - t0);
    Ye.row(i) = Y.row(i) + h0[i] * F0.row(i);
  }
  f(Ye, Vec::Constant(n, t0) + h0, all_rows(n), F1);
  for (int i = 0; i < n; ++i) {
    const RowVec scale = (o.atol + o.rtol * Y.row(i).array().abs()).matrix();
    const double d1 = rms_scaled(F0.row(i), scale), d2 = rms_scaled(F1.row(i) - F0.row(i), scale) / h0[i];
    const double h1 = std::max(d1, d2) <= 1e-15 ? std::max(1e-6, 1e-3 * h0[i]) : std::pow(0.01 / std::max(d1, d2), 0.2);
    h[i] = std::min({100 * h0[i], h1, t1 - t0});
  }
  return h;
}

}  // namespace

OdeSolveStats solve_rk4(const RowsRhs& f, Mat& Y, double t0, double t1, int steps) {
  const int n = int(Y.rows());
  const double h = (t1 - t0) / steps;
  const std::vector<int> rows = all_rows(n);
  const BatchRhs rhs = [&](const Mat& Yk, const Vec& t, Mat& K) { f(Yk, t, rows, K); };
  Mat Yn;
  for (int s = 0; s < steps; ++s) {
    const double t = t0 + s * h;
    rk4_step(rhs, Y, Vec::Constant(n, t), h, Vec::Constant(n, s + 1 == steps ? t1 : t + h), Yn);
    Y.swap(Yn);
  }
  OdeSolveStats st = fresh_stats(n, t1);
  st.nfe.assign(size_t(n), 4 * int64_t(steps));
  st.steps.assign(size_t(n), steps);
  return st;
}

OdeSolveStats solve_dopri5(const RowsRhs& f, Mat& Y, double t0, double t1, const AdaptiveOdeOptions& o) {
  const int n = int(Y.rows()), w = int(Y.cols());
  OdeSolveStats st = fresh_stats(n, t0);
  std::vector<int64_t> attempts(size_t(n), 0);
  Mat F0;  // FSAL: the derivative at (t_i, y_i)
  f(Y, st.t, all_rows(n), F0);
  Vec h = initial_steps(f, Y, F0, t0, t1, o);
  st.nfe.assign(size_t(n), 2);
  std::vector<int> act;
  Mat Ya, K0, K6, Y5, Err;
  Vec ta, ha;
  for (;;) {
    act.clear();
    for (int i = 0; i < n; ++i)
      if (st.t[i] < t1 && !st.incomplete[size_t(i)]) act.push_back(i);
    if (act.empty()) break;
    const int m = int(act.size());
    Ya.resize(m, w);
    K0.resize(m, w);
    ta.resize(m);
    ha.resize(m);
    for (int j = 0; j < m; ++j) {
      Ya.row(j) = Y.row(act[size_t(j)]);
      K0.row(j) = F0.row(act[size_t(j)]);
      ta[j] = st.t[act[size_t(j)]];
      ha[j] = h[act[size_t(j)]];
    }
    dopri5_step([&](const Mat& Yk, const Vec& t, Mat& K) { f(Yk, t, act, K); }, Ya, ta, ha, K0, Y5, Err, K6);
    for (int j = 0; j < m; ++j) {
      const int i = act[size_t(j)];
      st.nfe[size_t(i)] += 6;
      ++attempts[size_t(i)];
      const RowVec scale = (o.atol + o.rtol * Ya.row(j).array().abs().max(Y5.row(j).array().abs())).matrix();
      const double en = rms_scaled(Err.row(j), scale);
      double fac = en == 0 ? 10.0 : std::clamp(0.9 * std::pow(en, -0.2), 0.2, 10.0);
      if (en <= 1.0) {
        Y.row(i) = Y5.row(j);
        F0.row(i) = K6.row(j);
        st.t[i] = (ha[j] >= t1 - ta[j]) ? t1 : ta[j] + ha[j];  // the last step lands on t1 exactly
        ++st.steps[size_t(i)];
      } else {
        fac = std::min(fac, 1.0);
      }
      h[i] = std::min(ha[j] * fac, t1 - st.t[i]);
      if (st.t[i] < t1 && (h[i] < o.h_min || attempts[size_t(i)] >= o.max_steps)) st.incomplete[size_t(i)] = 1;
    }
  }
  return st;
}

}  // namespace td
