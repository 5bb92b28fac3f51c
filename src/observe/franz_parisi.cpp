#include "observe/franz_parisi.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "score/mixture_kernels.hpp"
#include "sim/ensemble.hpp"

namespace td {
namespace {

// ln Z(x_t, x_0', q) on a grid of q for 1-D data: the data's log-density at the two constrained
// points x_0' +- sqrt q by the mixture kernel (one batch of 2 |q| points), then the two-delta formula.
void log_z_row(const GaussianMixture& g, double a, double Sig, double xt, double x0p, const std::vector<double>& q,
               double* out) {
  const Eigen::Index n = Eigen::Index(q.size());
  Mat Y(2 * n, 1);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double r = std::sqrt(q[size_t(j)]);
    Y(j, 0) = x0p + r, Y(n + j, 0) = x0p - r;
  }
  Vec lp;
  mixture_eval_fast(g, Y, nullptr, nullptr, &lp);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double r1 = xt - a * Y(j, 0), r2 = xt - a * Y(n + j, 0);
    const double h1 = -r1 * r1 / (2 * Sig) + lp[j], h2 = -r2 * r2 / (2 * Sig) + lp[n + j], m = std::max(h1, h2);
    out[j] = m + std::log(std::exp(h1 - m) + std::exp(h2 - m)) - std::log(2 * std::sqrt(q[size_t(j)]));
  }
}

}  // namespace

double fp_log_z_1d(const GaussianMixture& g, const Process& p, double t, double xt, double x0p, double q) {
  if (g.dim() != 1) throw InputError("Franz-Parisi 1-D: the data must be 1-D");
  if (!(q > 0)) throw InputError(fmt::format("Franz-Parisi: q = {} must be > 0", q));
  if (!(g.vars.array() > 0).all()) throw InputError("Franz-Parisi 1-D: every component needs a positive variance");
  double lz;
  log_z_row(g, p.alpha(t), p.sigma2(t), xt, x0p, {q}, &lz);
  return lz;
}

FranzParisi franz_parisi_1d(const GaussianMixture& g, const Process& p, double t, const std::vector<double>& q, int pairs,
                            uint64_t seed) {
  g.validate("Franz-Parisi: data");
  if (g.dim() != 1) throw InputError("Franz-Parisi 1-D: the data must be 1-D");
  if (!(g.vars.array() > 0).all())
    throw InputError("Franz-Parisi 1-D: every component needs a positive variance (delta data: use the binned version)");
  if (q.size() < 3 || pairs < 2) throw InputError("Franz-Parisi: need >= 3 q values and >= 2 pairs");
  const double h = q[1] - q[0];
  for (size_t i = 0; i < q.size(); ++i)
    if (!(q[i] > 0) || (i > 0 && std::abs(q[i] - q[i - 1] - h) > 1e-9 * std::max(1.0, q[i])))
      throw InputError("Franz-Parisi: q must be positive and uniformly spaced, increasing");
  const double a = p.alpha(t), sg = std::sqrt(p.sigma2(t));
  // Per pair, ln Z on the whole q grid (pairs x q), reduced per q in pair order.
  Mat L(pairs, Eigen::Index(q.size()));
  const RngKey key{seed, Stream::FranzParisi, 0};
  const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
    Mat X0, Z;
    sample_mixture(g, key, ids, n, 0, X0);  // steps 0 and 1
    normal_block(key, ids, n, 2, 1, Z);
    RowVec row(Eigen::Index(q.size()));
    for (int i = 0; i < nv; ++i) {
      const double x0p = X0(i, 0);
      log_z_row(g, a, sg * sg, a * x0p + sg * Z(i, 0), x0p, q, row.data());
      L.row(first + i) = row;
    }
  };
  distributed_ensemble({pairs, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                       columns(L, pairs));  // under mpirun, this rank's part; the values gathered
  FranzParisi r;
  r.t = t;
  r.q = q;
  for (size_t j = 0; j < q.size(); ++j) {
    Moments m;
    for (int i = 0; i < pairs; ++i) m.add(L(i, Eigen::Index(j)));
    r.V.push_back(-m.mean());
    r.V_se.push_back(m.mean_se());
  }
  const size_t n = q.size();
  r.dV.resize(n), r.d2V.resize(n);
  for (size_t j = 0; j < n; ++j) {
    const size_t lo = j == 0 ? 0 : j - 1, hi = j + 1 == n ? n - 1 : j + 1;
    r.dV[j] = (r.V[hi] - r.V[lo]) / (q[hi] - q[lo]);
    const size_t c = std::clamp<size_t>(j, 1, n - 2);  // one-sided ends reuse the nearest interior stencil
    r.d2V[j] = (r.V[c + 1] - 2 * r.V[c] + r.V[c - 1]) / (h * h);
  }
  for (size_t j = 1; j + 2 < n; ++j)  // interior stencils only
    if ((r.d2V[j] > 0) != (r.d2V[j + 1] > 0))
      r.inflections.push_back(q[j] + r.d2V[j] * (q[j + 1] - q[j]) / (r.d2V[j] - r.d2V[j + 1]));
  return r;
}

FranzParisiBinned franz_parisi_binned(const Mat& A, const Process& p, double t, const std::vector<double>& edges,
                                      int samples, uint64_t seed) {
  const int P = int(A.rows()), d = int(A.cols());
  if (P < 2) throw InputError("Franz-Parisi binned: need at least 2 points");
  if (edges.size() < 2 || !std::is_sorted(edges.begin(), edges.end()))
    throw InputError("Franz-Parisi binned: bin edges must be >= 2 increasing values");
  if (samples < 2) throw InputError("Franz-Parisi binned: samples must be >= 2");
  const double a = p.alpha(t), Sig = p.sigma2(t);
  const size_t B = edges.size() - 1;
  const Vec A2 = A.rowwise().squaredNorm();
  // Per sample and bin: ln sum_{mu in bin} w_mu (NaN when the bin is empty for that sample's nu).
  Mat L(samples, Eigen::Index(B));
  const RngKey key{seed, Stream::FranzParisi, 1};
  const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
    Mat U, Z;
    uniform_block(key, ids, n, 0, 1, U);
    normal_block(key, ids, n, 1, d, Z);
    for (int i = 0; i < nv; ++i) {
      const int nu = std::min(P - 1, int(U(i, 0) * P));
      const RowVec x = a * A.row(nu) + std::sqrt(Sig) * Z.row(i);
      Vec lw = ((2 * a) * (A * x.transpose()) - (a * a) * A2).array() / (2 * Sig);  // up to a constant
      const Vec q = A * A.row(nu).transpose() / double(d);  // overlaps with the planted point (no P x P matrix)
      const double mx = lw.maxCoeff();
      const double lse = mx + std::log((lw.array() - mx).exp().sum());
      // Log-sum-exp of the normalized log-weights per bin (two passes: bin maxima, then sums), so a
      // bin far from x_t gets its true, very negative value rather than an underflowed zero.
      std::vector<int> bin(static_cast<size_t>(P), -1);
      std::vector<double> bmax(B, -INFINITY), acc(B, 0.0);
      for (int mu = 0; mu < P; ++mu) {
        const auto it = std::upper_bound(edges.begin(), edges.end(), q[mu]);
        if (it == edges.begin() || it == edges.end()) continue;
        bin[size_t(mu)] = int(it - edges.begin() - 1);
        bmax[size_t(bin[size_t(mu)])] = std::max(bmax[size_t(bin[size_t(mu)])], lw[mu]);
      }
      for (int mu = 0; mu < P; ++mu)
        if (bin[size_t(mu)] >= 0) acc[size_t(bin[size_t(mu)])] += std::exp(lw[mu] - bmax[size_t(bin[size_t(mu)])]);
      for (size_t b = 0; b < B; ++b)
        L(first + i, Eigen::Index(b)) = acc[b] > 0 ? bmax[b] + std::log(acc[b]) - lse : NAN;  // NaN: no point in the bin
    }
  };
  distributed_ensemble({samples, 64}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                       columns(L, samples));  // under mpirun, this rank's part; the values gathered
  FranzParisiBinned r;
  r.t = t;
  r.edges = edges;
  for (size_t b = 0; b < B; ++b) {
    Moments m;
    for (int i = 0; i < samples; ++i)
      if (std::isfinite(L(i, Eigen::Index(b)))) m.add(L(i, Eigen::Index(b)));
    r.samples.push_back(m.count());
    r.V.push_back(m.count() ? -m.mean() : NAN);
    r.V_se.push_back(m.count() > 1 ? m.mean_se() : NAN);
  }
  return r;
}

}  // namespace td
