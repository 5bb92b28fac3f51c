#include "observe/likelihood.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sim/ensemble.hpp"
#include "sim/integrators.hpp"

namespace td {
namespace {

// The PF-ODE right-hand side for [x, l] (divergence exact or Hutchinson with the given probes).
class Field {
 public:
  Field(const Process& p, const Score& s, int k) : p_(p), s_(s) { require_support(s, divergence_for(k), "likelihood"); }

  // Right-hand side of [x, l] for rows with times t (adaptive samples each have their own clock).
  void rhs(const Mat& Y, const Vec& t, const std::vector<Mat>& probes, Mat& K) const {
    const int n = int(Y.rows()), d = int(Y.cols()) - 1;
    K.resize(n, d + 1);
    if (n == 0) return;
    Mat S;
    Vec div;
    score_and_divergence(s_, Y.leftCols(d), 0, probes, S, div, &t);
    for (int i = 0; i < n; ++i) {
      const double a = p_.drift_coef(t[i]), hg2 = 0.5 * p_.g2(t[i]);
      K.row(i).head(d) = a * Y.row(i).head(d) - hg2 * S.row(i);
      K(i, d) = d * a - hg2 * div[i];
    }
  }

 private:
  const Process& p_;
  const Score& s_;
};

double rms_scaled(const Eigen::Ref<const RowVec>& v, const Eigen::Ref<const RowVec>& scale) {
  return std::sqrt((v.array() / scale.array()).square().mean());
}

struct BlockOut {
  Mat Y;
  Vec t;
  std::vector<int64_t> nfe, steps;
  std::vector<char> incomplete;
};

void solve_rk4(const Field& f, const Process& p, const NllOptions& o, const std::vector<Mat>& probes, BlockOut& b) {
  const int n = int(b.Y.rows());
  const double t0 = p.t_min(), h = (p.T() - t0) / o.rk4_steps;
  const BatchRhs rhs = [&](const Mat& Y, const Vec& t, Mat& K) { f.rhs(Y, t, probes, K); };
  Mat Yn;
  for (int s = 0; s < o.rk4_steps; ++s) {
    const double t = t0 + s * h;
    rk4_step(rhs, b.Y, Vec::Constant(n, t), h, Vec::Constant(n, s + 1 == o.rk4_steps ? p.T() : t + h), Yn);
    b.Y.swap(Yn);
  }
  b.t.setConstant(n, p.T());
  b.nfe.assign(size_t(n), 4 * int64_t(o.rk4_steps));
  b.steps.assign(size_t(n), o.rk4_steps);
  b.incomplete.assign(size_t(n), 0);
}

void solve_dopri(const Field& f, const Process& p, const NllOptions& o, const std::vector<Mat>& probes, BlockOut& b) {
  const int n = int(b.Y.rows()), w = int(b.Y.cols());
  const double T = p.T();
  b.t.setConstant(n, p.t_min());
  b.nfe.assign(size_t(n), 0);
  b.steps.assign(size_t(n), 0);
  b.incomplete.assign(size_t(n), 0);
  std::vector<int64_t> attempts(size_t(n), 0);
  Vec h(n);
  Mat F0;  // FSAL: the derivative at (t_i, y_i)
  f.rhs(b.Y, b.t, probes, F0);
  // Initial step per sample (Hairer, Norsett & Wanner II.4; scipy's select_initial_step).
  {
    Vec h0(n);
    Mat Ye(n, w);
    for (int i = 0; i < n; ++i) {
      const RowVec scale = (o.atol + o.rtol * b.Y.row(i).array().abs()).matrix();
      const double d0 = rms_scaled(b.Y.row(i), scale), d1 = rms_scaled(F0.row(i), scale);
      h0[i] = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
      h0[i] = std::min(h0[i], T - b.t[i]);
      Ye.row(i) = b.Y.row(i) + h0[i] * F0.row(i);
    }
    Mat F1;
    f.rhs(Ye, b.t + h0, probes, F1);
    for (int i = 0; i < n; ++i) {
      const RowVec scale = (o.atol + o.rtol * b.Y.row(i).array().abs()).matrix();
      const double d1 = rms_scaled(F0.row(i), scale), d2 = rms_scaled(F1.row(i) - F0.row(i), scale) / h0[i];
      const double h1 = std::max(d1, d2) <= 1e-15 ? std::max(1e-6, 1e-3 * h0[i]) : std::pow(0.01 / std::max(d1, d2), 0.2);
      h[i] = std::min({100 * h0[i], h1, T - b.t[i]});
      b.nfe[size_t(i)] = 2;
    }
  }
  std::vector<int> act;
  Mat Ya, K0, K6, Y5, Err;
  Vec ta, ha;
  for (;;) {
    act.clear();
    for (int i = 0; i < n; ++i)
      if (b.t[i] < T && !b.incomplete[size_t(i)]) act.push_back(i);
    if (act.empty()) break;
    const int m = int(act.size());
    Ya.resize(m, w);
    K0.resize(m, w);
    ta.resize(m);
    ha.resize(m);
    for (int j = 0; j < m; ++j) {
      Ya.row(j) = b.Y.row(act[size_t(j)]);
      K0.row(j) = F0.row(act[size_t(j)]);
      ta[j] = b.t[act[size_t(j)]];
      ha[j] = h[act[size_t(j)]];
    }
    std::vector<Mat> pa(probes.size());
    for (size_t q = 0; q < probes.size(); ++q) {
      pa[q].resize(m, probes[q].cols());
      for (int j = 0; j < m; ++j) pa[q].row(j) = probes[q].row(act[size_t(j)]);
    }
    dopri5_step([&](const Mat& Y, const Vec& t, Mat& K) { f.rhs(Y, t, pa, K); }, Ya, ta, ha, K0, Y5, Err, K6);
    for (int j = 0; j < m; ++j) {
      const int i = act[size_t(j)];
      b.nfe[size_t(i)] += 6;
      ++attempts[size_t(i)];
      const RowVec scale = (o.atol + o.rtol * Ya.row(j).array().abs().max(Y5.row(j).array().abs())).matrix();
      const double en = rms_scaled(Err.row(j), scale);
      const bool ok = en <= 1.0;
      double fac = en == 0 ? 10.0 : std::clamp(0.9 * std::pow(en, -0.2), 0.2, 10.0);
      if (ok) {
        b.Y.row(i) = Y5.row(j);
        F0.row(i) = K6.row(j);
        // The last step lands on T exactly.
        b.t[i] = (ha[j] >= T - ta[j]) ? T : ta[j] + ha[j];
        ++b.steps[size_t(i)];
      } else {
        fac = std::min(fac, 1.0);
      }
      h[i] = std::min(ha[j] * fac, T - b.t[i]);
      if (b.t[i] < T && (h[i] < o.h_min || attempts[size_t(i)] >= o.max_steps)) b.incomplete[size_t(i)] = 1;
    }
  }
}

}  // namespace

LogPriorFn gaussian_prior(const Process& process, int d) {
  const double v = process.prior_var();
  return [v, d](const Mat& XT, Vec& logp) {
    logp = (-0.5 / v) * XT.rowwise().squaredNorm();
    logp.array() -= 0.5 * d * std::log(2 * M_PI * v);
  };
}

NllResult pf_ode_nll(const Process& process, const Score& score, const Mat& X0, const NllOptions& o,
                     const LogPriorFn& prior, uint64_t first_id) {
  const int d = score.dim(), n = int(X0.rows());
  if (X0.cols() != d)
    throw InputError(fmt::format("likelihood: data have {} coordinates, the score '{}' has {}", X0.cols(), score.describe(), d));
  if (!(o.rtol > 0) || !(o.atol > 0)) throw InputError("likelihood: rtol and atol must be > 0");
  if (o.rk4_steps < 1 || o.max_steps < 1 || o.hutchinson_probes < 0 || o.block < 1)
    throw InputError("likelihood: rk4_steps, max_steps and block must be >= 1, hutchinson_probes >= 0");
  const Field f(process, score, o.hutchinson_probes);
  NllResult r;
  r.nll.resize(n);
  r.log_prior.resize(n);
  r.delta.resize(n);
  r.xT.resize(n, d);
  r.t_reached.resize(n);
  r.nfe.assign(size_t(n), 0);
  r.steps.assign(size_t(n), 0);
  r.incomplete.assign(size_t(n), 0);
  if (n == 0) return r;
  // Small batches are split so that every thread gets a block (results do not depend on blocks).
  const int per_thread = (n + omp_get_max_threads() - 1) / omp_get_max_threads();
  const int block = std::max(kLanes, std::min(o.block, (per_thread + kLanes - 1) / kLanes * kLanes));
  parallel_blocks({n, block}, [&](const uint64_t* ids, int m, int nv, int64_t first) {
    std::vector<uint64_t> sid(static_cast<size_t>(m));
    for (int i = 0; i < m; ++i) sid[size_t(i)] = first_id + ids[i];
    BlockOut b;
    b.Y.resize(m, d + 1);
    for (int i = 0; i < m; ++i) b.Y.row(i).head(d) = X0.row(first + std::min(i, nv - 1));  // padding repeats the last row
    b.Y.col(d).setZero();
    const std::vector<Mat> probes =
        o.hutchinson_probes > 0 ? rademacher_probes({o.seed, Stream::Hutchinson}, sid.data(), m, 0, d, o.hutchinson_probes)
                                : std::vector<Mat>{};
    if (o.solver == OdeSolver::RK4) solve_rk4(f, process, o, probes, b);
    else solve_dopri(f, process, o, probes, b);
    Vec lp;
    prior(b.Y.leftCols(d), lp);
    for (int i = 0; i < nv; ++i) {
      const int64_t g = first + i;
      r.xT.row(g) = b.Y.row(i).head(d);
      r.delta[g] = b.Y(i, d);
      r.log_prior[g] = lp[i];
      r.nll[g] = -(lp[i] + b.Y(i, d));
      r.t_reached[g] = b.t[i];
      r.nfe[size_t(g)] = b.nfe[size_t(i)];
      r.steps[size_t(g)] = b.steps[size_t(i)];
      r.incomplete[size_t(g)] = b.incomplete[size_t(i)];
    }
  });
  return r;
}

}  // namespace td
