#include "observe/conditional_entropy.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/quadrature.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "data/mixture_posterior.hpp"
#include "sim/ensemble.hpp"

namespace td {
namespace {

void set_node(RateCurve& c, size_t k, const Moments& m) {
  c.value[k] = m.mean();
  c.se[k] = m.mean_se();
}

}  // namespace

ConditionalEntropyRates conditional_entropy_rates(const Process& p, const Score& score, const DataFn& data,
                                                  const ConditionalEntropyOptions& o, const GaussianMixture* mixture) {
  const int d = score.dim();
  const double lo = o.t_lo > 0 ? o.t_lo : p.t_min(), hi = o.t_hi > 0 ? o.t_hi : p.T();
  if (!(lo > 0) || !(hi > lo))
    throw InputError(fmt::format("conditional entropy: need 0 < t_lo < t_hi (got {}, {})", lo, hi));
  if (o.nodes < 2 || o.samples < 2 || o.hutchinson_probes < 0 || o.spectrum_samples < 0 || o.spectrum_samples > o.samples)
    throw InputError("conditional entropy: nodes, samples >= 2; probes >= 0; 0 <= spectrum_samples <= samples");
  require_support(score, divergence_for(o.hutchinson_probes), "conditional entropy");
  if (o.spectrum_samples > 0 && !score.has_jacobian())
    throw InputError(fmt::format("conditional entropy: score '{}' has no Jacobian for the eigenvalue spectrum", score.describe()));
  if (mixture && mixture->dim() != d)
    throw InputError(fmt::format("conditional entropy: data mixture has d = {}, the score {}", mixture->dim(), d));

  ConditionalEntropyRates r;
  r.t = rate_nodes(p, o.grid, o.rho, o.nodes, lo, hi);
  const size_t nodes = r.t.size();
  std::vector<RateCurve*> curves = {&r.score_norm, &r.divergence, &r.x0_error, &r.marginal};
  if (mixture) curves.push_back(&r.posterior_var);
  for (RateCurve* c : curves) c->value.resize(nodes), c->se.resize(nodes);
  r.sigma_tilde.resize(nodes), r.total.resize(nodes), r.div.resize(nodes), r.div_se.resize(nodes);
  r.fisher_trace.resize(nodes);
  if (o.spectrum_samples > 0) r.spectrum.setZero(Eigen::Index(nodes), d);

  // Per-sample values, reduced in sample order: independent of threads and blocks.
  const size_t ns = size_t(o.samples);
  std::vector<double> sq(ns), dv(ns), err(ns), pv(ns);
  const NodeKeys keys = node_keys(o.seed);
  for (size_t k = 0; k < nodes; ++k) {
    const double t = r.t[k], a = p.alpha(t), s2 = p.sigma2(t), sg = std::sqrt(s2), g2 = p.g2(t);
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      NodeSamples q;
      Vec trv;
      node_samples(score, data, keys, o.hutchinson_probes, k, ns, ids, n, t, a, sg, q);
      const Mat &S = q.S, &Z = q.Z;
      const Vec& div = q.div;
      if (mixture) posterior_moments(*mixture, {a, s2}, q.Xt, nullptr, &trv);
      for (int i = 0; i < nv; ++i) {
        const size_t j = size_t(first + i);
        sq[j] = S.row(i).squaredNorm();
        dv[j] = div[i];
        // x_0 - x0_hat = x_0 - (x_t + sigma^2 s)/alpha = -(sigma z + sigma^2 s)/alpha.
        err[j] = (sg * Z.row(i) + s2 * S.row(i)).squaredNorm() / (a * a);
        if (mixture) pv[j] = trv[i];
      }
    };
    std::vector<ItemArray> out = {items(sq, 0, o.samples), items(dv, 0, o.samples), items(err, 0, o.samples)};
    if (mixture) out.push_back(items(pv, 0, o.samples));
    distributed_ensemble({o.samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         out);  // under mpirun, this rank's samples; their values gathered
    const double cx = g2 * a * a / (2 * s2 * s2);
    Moments m_sn, m_dv, m_er, m_mg, m_pv, m_div;
    for (size_t i = 0; i < ns; ++i) {
      m_sn.add(0.5 * g2 * (d / s2 - sq[i]));
      m_dv.add(0.5 * g2 * (dv[i] + d / s2));
      m_er.add(cx * err[i]);
      m_mg.add(-0.5 * g2 * dv[i]);
      m_div.add(dv[i]);
      if (mixture) m_pv.add(cx * pv[i]);
    }
    set_node(r.score_norm, k, m_sn);
    set_node(r.divergence, k, m_dv);
    set_node(r.x0_error, k, m_er);
    set_node(r.marginal, k, m_mg);
    if (mixture) set_node(r.posterior_var, k, m_pv);
    r.sigma_tilde[k] = sg / a;
    r.total[k] = 0.5 * g2 * d / s2;
    r.div[k] = m_div.mean();
    r.div_se[k] = m_div.mean_se();
    r.fisher_trace[k] = d * a * a / s2 + a * a * m_div.mean();
    if (o.spectrum_samples > 0) {
      // The first spectrum_samples points of this node, in sample order.
      std::vector<uint64_t> id(size_t(o.spectrum_samples));
      for (int i = 0; i < o.spectrum_samples; ++i) id[size_t(i)] = uint64_t(k) * ns + uint64_t(i);
      Mat X0, Z, J;
      const int nb = (o.spectrum_samples + kLanes - 1) / kLanes * kLanes;
      id.resize(size_t(nb), id.back());
      data(id.data(), nb, X0);
      normal_block(keys.noise, id.data(), nb, 0, d, Z);  // the same points as the rates at this node
      const Mat Xt = a * X0 + sg * Z;
      Mat eig(o.spectrum_samples, d);
      ParallelFailure failure;
#pragma omp parallel for schedule(static) private(J)
      for (int i = 0; i < o.spectrum_samples; ++i)
        failure.run(i, [&] {
          score.jacobian(Xt.row(i), t, J);
          // Symmetric for exact scores; a model's Jacobian is symmetrized (its gradient part).
          Eigen::SelfAdjointEigenSolver<Mat> es(0.5 * (J + J.transpose()), Eigen::EigenvaluesOnly);
          eig.row(i) = es.eigenvalues().transpose();
        });
      failure.rethrow();
      r.spectrum.row(Eigen::Index(k)) = eig.colwise().mean();
    }
  }
  for (RateCurve* c : curves) integrate(*c, r.t);
  return r;
}

namespace {

// E f(kappa + sqrt(kappa) Z) for f of unit scale decaying exponentially in |u| (sech^2, binary
// entropy of a sigmoid). Gauss-Hermite while sqrt(kappa) is small against f's scale; otherwise f is
// narrow against the Gaussian and a fine Simpson rule over u in [-40, 40] resolves it.
template <class F>
double two_delta_expectation(double kappa, F f) {
  const double sk = std::sqrt(kappa);
  if (sk <= 2) {
    const GaussRule& gh = gauss_hermite(200);
    double e = 0;
    for (size_t q = 0; q < gh.x.size(); ++q) e += gh.w[q] * f(kappa + sk * gh.x[q]);
    return e;
  }
  const int m = 8000;  // even
  const double lo = -40, hi = 40, h = (hi - lo) / m;
  double e = 0;
  for (int i = 0; i <= m; ++i) {
    const double u = lo + i * h, z = (u - kappa) / sk;
    const double wt = (i == 0 || i == m) ? 1 : (i % 2 ? 4 : 2);
    e += wt * f(u) * std::exp(-0.5 * z * z);
  }
  return e * h / 3 / (sk * std::sqrt(2 * M_PI));
}

}  // namespace

// kappa = a^2 / sigma~^2; given y = +a (by symmetry) the posterior log-odds is 2u, u = kappa + sqrt(kappa) Z.
double two_delta_entropy_slope(double a, double sigma_tilde) {
  const double kappa = a * a / (sigma_tilde * sigma_tilde);
  // kappa E sech^2(u) = kappa (1 - E tanh^2 u), without the cancellation at large kappa.
  return kappa * two_delta_expectation(kappa, [](double u) {
           const double m = std::exp(-2 * std::abs(u));
           return 4 * m / ((1 + m) * (1 + m));
         });
}

double two_delta_entropy(double a, double sigma_tilde) {
  const double kappa = a * a / (sigma_tilde * sigma_tilde);
  // Binary entropy of sigmoid(2u): ln(1 + e^-|2u|) + |2u| e^-|2u| / (1 + e^-|2u|).
  return two_delta_expectation(kappa, [](double u) {
    const double v = 2 * std::abs(u), e = std::exp(-v);
    return std::log1p(e) + v * e / (1 + e);
  });
}

}  // namespace td
