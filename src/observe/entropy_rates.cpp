#include "observe/entropy_rates.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "sim/ensemble.hpp"

namespace td {

NodeKeys node_keys(uint64_t seed) { return {{seed, Stream::Entropy}, {seed, Stream::EntropyProbes}}; }

void node_samples(const Score& score, const DataFn& data, const NodeKeys& keys, int probes, size_t node, size_t samples,
                  const uint64_t* ids, int n, double t, double a, double sg, NodeSamples& o) {
  std::vector<uint64_t> id(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) id[size_t(i)] = uint64_t(node) * uint64_t(samples) + ids[i];
  data(id.data(), n, o.X0);
  normal_block(keys.noise, id.data(), n, 0, score.dim(), o.Z);
  o.Xt = a * o.X0 + sg * o.Z;
  const std::vector<Mat> pr =
      probes > 0 ? rademacher_probes(keys.probes, id.data(), n, 0, score.dim(), probes) : std::vector<Mat>{};
  score_and_divergence(score, o.Xt, t, pr, o.S, o.div);
}

EntropyRates entropy_rates(const Process& p, const Score& score, const DataFn& data, const EntropyRateOptions& o,
                           const Score* exact) {
  const int d = score.dim();
  const double lo = o.t_lo > 0 ? o.t_lo : p.t_min(), hi = o.t_hi > 0 ? o.t_hi : p.T();
  if (!(lo > 0) || !(hi > lo))
    throw InputError(fmt::format("entropy rates: need 0 < t_lo < t_hi (got {}, {}; a geometric grid cannot start at 0)", lo, hi));
  if (o.nodes < 2 || o.samples < 2 || o.hutchinson_probes < 0)
    throw InputError("entropy rates: nodes and samples must be >= 2, hutchinson_probes >= 0");
  require_support(score, divergence_for(o.hutchinson_probes), "entropy rates");
  if (exact && exact->dim() != d)
    throw InputError(fmt::format("entropy rates: exact score '{}' has d = {}, the model {}", exact->describe(), exact->dim(), d));
  EntropyRates r;
  r.t = rate_nodes(p, o.grid, o.rho, o.nodes, lo, hi);
  const int nodes = int(r.t.size());
  std::vector<RateCurve*> curves = {&r.intrinsic, &r.exchange, &r.exchange_z, &r.system, &r.forward};
  if (exact) curves.push_back(&r.score_error);
  for (RateCurve* c : curves) {
    c->value.resize(size_t(nodes));
    c->se.resize(size_t(nodes));
  }
  r.ratio.resize(size_t(nodes));
  // Per-sample values, reduced in sample order so the result does not depend on threads or blocks.
  std::vector<double> sq(size_t(o.samples)), dv(size_t(o.samples)), sz(size_t(o.samples)), se2(size_t(o.samples));
  const NodeKeys keys = node_keys(o.seed);
  for (int k = 0; k < nodes; ++k) {
    const double t = r.t[size_t(k)], a = p.alpha(t), sg = p.sigma(t), g2 = p.g2(t);
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      NodeSamples ns;
      Mat Se;
      node_samples(score, data, keys, o.hutchinson_probes, size_t(k), size_t(o.samples), ids, n, t, a, sg, ns);
      const Mat &S = ns.S, &Z = ns.Z;
      const Vec& div = ns.div;
      if (exact) exact->score(ns.Xt, t, Se);
      for (int i = 0; i < nv; ++i) {
        if (exact) se2[size_t(first + i)] = (S.row(i) - Se.row(i)).squaredNorm();
        sq[size_t(first + i)] = S.row(i).squaredNorm();
        dv[size_t(first + i)] = div[i];
        sz[size_t(first + i)] = S.row(i).dot(Z.row(i)) / sg;
      }
    };
    std::vector<ItemArray> out = {items(sq, 0, o.samples), items(dv, 0, o.samples), items(sz, 0, o.samples)};
    if (exact) out.push_back(items(se2, 0, o.samples));
    distributed_ensemble({o.samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         out);  // under mpirun, this rank's samples; their values gathered
    Moments mi, me, mz, ms, mq;
    for (int i = 0; i < o.samples; ++i) {
      if (exact) mq.add(0.25 * g2 * se2[size_t(i)]);
      mi.add(0.5 * g2 * sq[size_t(i)]);
      me.add(g2 * dv[size_t(i)]);
      mz.add(g2 * sz[size_t(i)]);
      ms.add(0.5 * g2 * sq[size_t(i)] + g2 * dv[size_t(i)]);
    }
    const size_t kk = size_t(k);
    r.intrinsic.value[kk] = mi.mean();
    r.intrinsic.se[kk] = mi.mean_se();
    r.exchange.value[kk] = me.mean();
    r.exchange.se[kk] = me.mean_se();
    r.exchange_z.value[kk] = mz.mean();
    r.exchange_z.se[kk] = mz.mean_se();
    r.system.value[kk] = ms.mean();
    r.system.se[kk] = ms.mean_se();
    r.forward.value[kk] = d * p.drift_coef(t) + mi.mean();
    r.forward.se[kk] = mi.mean_se();
    r.ratio[kk] = me.mean() / mi.mean();
    if (exact) {
      r.score_error.value[kk] = mq.mean();
      r.score_error.se[kk] = mq.mean_se();
    }
  }
  for (RateCurve* c : curves) integrate(*c, r.t);
  return r;
}

std::vector<double> rate_nodes(const Process& p, GridKind kind, double rho, int nodes, double lo, double hi) {
  return make_grid(p, GridSpec{kind, nodes - 1, rho}, lo, hi).times();
}

void integrate(RateCurve& c, const std::vector<double>& t) {
  const std::vector<double> w = trapezoid_weights(t), wc = coarse_trapezoid_weights(t);
  double v = 0, vc = 0, s2 = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    v += w[i] * c.value[i];
    vc += wc[i] * c.value[i];
    s2 += w[i] * w[i] * c.se[i] * c.se[i];
  }
  c.integral = {v, std::sqrt(s2)};
  c.integral_dt = (vc - v) / 3.0;
}

LikelihoodBound likelihood_bound(double S0, double S1, const Estimate& forward_integral) {
  LikelihoodBound b;
  b.S0 = S0;
  b.S1 = S1;
  b.bound = {0.5 * (S0 + S1) - 0.5 * forward_integral.value, 0.5 * forward_integral.se};
  b.clamped = std::max(S0, b.bound.value);
  return b;
}

double prior_entropy(const Process& process, int d) {
  return 0.5 * d * std::log(2 * M_PI * M_E * process.prior_var());
}

double prior_mismatch(const Process& process, int d, double m2) {
  const double v = process.prior_var(), T = process.T(), a = process.alpha(T);
  return (a * a * m2 + d * process.sigma2(T) - d * v) / (2 * v);
}

Estimate plugin_nll(const Process& p, int d, double ce1, const EntropyRates& r) {
  const double lo = r.t.front(), hi = r.t.back();
  const double drift = d * std::log(p.alpha(hi) / p.alpha(lo));  // int E[div f] dt = d int a dt
  return {ce1 - drift + 0.5 * r.exchange.integral.value, 0.5 * r.exchange.integral.se};
}

GapDecomposition decompose_gap(double nll, const LikelihoodBound& bound, double prior, const Estimate& score_error) {
  GapDecomposition g;
  g.gap = nll - bound.bound.value;
  g.prior = prior;
  g.score_error = score_error;
  g.residual = g.gap - prior - score_error.value;
  return g;
}

}  // namespace td
