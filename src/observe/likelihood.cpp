#include "observe/likelihood.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sim/ensemble.hpp"
#include "sim/ode_solvers.hpp"

namespace td {
namespace {

// The PF-ODE right-hand side for [x, l] (divergence exact or Hutchinson with the given probes).
class Field {
 public:
  Field(const Process& p, const Score& s, int k) : p_(p), s_(s) { require_support(s, divergence_for(k), "likelihood"); }

  // Right-hand side of [x, l_1 .. l_m] for rows `rows` of the block with times t (adaptive samples
  // each have their own clock); each row keeps its own probes. m = 1 (exact divergence, or one
  // probe), else one integral per probe, whose spread across probes is the NLL's probe variance.
  void rhs(const Mat& Y, const Vec& t, const std::vector<int>& rows, const std::vector<Mat>& probes, Mat& K) const {
    const int n = int(Y.rows()), m = integrals(probes.size()), d = int(Y.cols()) - m;
    K.resize(n, d + m);
    if (n == 0) return;
    // Rows are ascending indices into the block: as many as the probes' rows means all of them.
    const bool all = probes.empty() || Eigen::Index(rows.size()) == probes.front().rows();
    std::vector<Mat> pr(all ? 0 : probes.size());
    for (size_t q = 0; q < pr.size(); ++q) pr[q] = probes[q](rows, Eigen::all);
    const Mat X = Y.leftCols(d);
    ScoreResult r;
    s_.evaluate({X, 0, &t, probes.empty() ? Divergence::Exact : Divergence::Hutchinson, all ? &probes : &pr, false, m > 1}, r);
    for (int i = 0; i < n; ++i) {
      const double a = p_.drift_coef(t[i]), hg2 = 0.5 * p_.g2(t[i]);
      K.row(i).head(d) = a * Y.row(i).head(d) - hg2 * r.score.row(i);
      for (int q = 0; q < m; ++q) K(i, d + q) = d * a - hg2 * (m > 1 ? r.div_each(i, q) : r.div[i]);
    }
  }

  // The divergence integrals carried beside x: one per probe when there are two or more.
  static int integrals(size_t probes) { return probes >= 2 ? int(probes) : 1; }

 private:
  const Process& p_;
  const Score& s_;
};

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
  r.probe_var = Vec::Constant(n, o.hutchinson_probes == 0 ? 0.0 : NAN);
  if (n == 0) return r;
  const int m = Field::integrals(size_t(o.hutchinson_probes));
  // Small batches are split so that every thread gets a block (results do not depend on blocks).
  const int per_thread = (n + omp_get_max_threads() - 1) / omp_get_max_threads();
  const int block = std::max(kLanes, std::min(o.block, (per_thread + kLanes - 1) / kLanes * kLanes));
  const auto solve = [&](const uint64_t* ids, int rows, int nv, int64_t first) {
    std::vector<uint64_t> sid(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) sid[size_t(i)] = first_id + ids[i];
    Mat Y(rows, d + m);  // [x, l_1 .. l_m]: the state and the accumulated divergence integral(s)
    for (int i = 0; i < rows; ++i) Y.row(i).head(d) = X0.row(first + std::min(i, nv - 1));  // padding repeats the last row
    Y.rightCols(m).setZero();
    const std::vector<Mat> probes =
        o.hutchinson_probes > 0 ? rademacher_probes({o.seed, Stream::Hutchinson}, sid.data(), rows, 0, d, o.hutchinson_probes)
                                : std::vector<Mat>{};
    const RowsRhs rhs = [&](const Mat& Yk, const Vec& t, const std::vector<int>& rows, Mat& K) {
      f.rhs(Yk, t, rows, probes, K);
    };
    const OdeSolveStats st = o.solver == OdeSolver::RK4
                                 ? solve_rk4(rhs, Y, process.t_min(), process.T(), o.rk4_steps)
                                 : solve_dopri5(rhs, Y, process.t_min(), process.T(), {o.rtol, o.atol, o.h_min, o.max_steps});
    Vec lp;
    prior(Y.leftCols(d), lp);
    for (int i = 0; i < nv; ++i) {
      const int64_t g = first + i;
      r.xT.row(g) = Y.row(i).head(d);
      r.delta[g] = Y.row(i).tail(m).mean();  // the probes' mean: Hutchinson's estimate with all of them
      r.log_prior[g] = lp[i];
      r.nll[g] = -(lp[i] + r.delta[g]);
      if (m > 1)  // the variance of the probe mean: the per-probe NLLs' sample variance / m
        r.probe_var[g] = (Y.row(i).tail(m).array() - r.delta[g]).square().sum() / double(m - 1) / double(m);
      r.t_reached[g] = st.t[i];
      r.nfe[size_t(g)] = st.nfe[size_t(i)];
      r.steps[size_t(g)] = st.steps[size_t(i)];
      r.incomplete[size_t(g)] = st.incomplete[size_t(i)];
    }
  };
  // Under mpirun each rank solves its samples; every per-sample value is gathered.
  std::vector<ItemArray> out = {items(r.nll.data(), 0, n), items(r.log_prior.data(), 0, n), items(r.delta.data(), 0, n),
                                items(r.t_reached.data(), 0, n), items(r.nfe, 0, n), items(r.steps, 0, n),
                                items(r.incomplete, 0, n), items(r.probe_var.data(), 0, n)};
  for (int j = 0; j < d; ++j) out.push_back(items(r.xT.col(j).data(), 0, n));
  distributed_ensemble({n, block}, [&](const EnsembleSpec& part) { parallel_blocks(part, solve); }, out);
  return r;
}

}  // namespace td
