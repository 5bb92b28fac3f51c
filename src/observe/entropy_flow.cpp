#include "observe/entropy_flow.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "score/mixture_kernels.hpp"
#include "sim/ensemble.hpp"

namespace td {
namespace {

// The rates from E|x|^2 and E|s|^2 (and the SEs of the linear combinations, from the per-sample
// values' moments where given).
void fill(EntropyFlowPoint& p, int d) {
  p.pi = p.x2 - 2 * d + p.s2;
  p.phi = p.x2 - d;
  p.dS = p.s2 - d;
  p.pi_rev = p.pi;
  p.phi_rev = p.x2 - 3 * d + 2 * p.s2;
  p.dS_rev = -p.dS;
}

}  // namespace

std::vector<EntropyFlowPoint> entropy_flow_mc(const GaussianMixture& data, const Process& p, const std::vector<double>& t,
                                              int samples, uint64_t seed) {
  data.validate("entropy flow: data");
  if (p.kind() != ProcessKind::OU) throw InputError("entropy flow: the formulas are for the OU process (kind = \"ou\")");
  if (samples < 2) throw InputError("entropy flow: samples must be >= 2");
  const int d = data.dim();
  std::vector<EntropyFlowPoint> out;
  std::vector<double> x2(static_cast<size_t>(samples)), s2(static_cast<size_t>(samples));
  const RngKey key{seed, Stream::EntropyFlow};
  for (size_t k = 0; k < t.size(); ++k) {
    const GaussianMixture m = data.marginal(p.alpha(t[k]), p.sigma2(t[k]));
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      Mat X, S;
      sample_mixture(m, key, ids, n, 2 * uint64_t(k), X);  // steps 2k and 2k + 1
      mixture_eval_fast(m, X, &S, nullptr, nullptr);
      for (int i = 0; i < nv; ++i) x2[size_t(first + i)] = X.row(i).squaredNorm(), s2[size_t(first + i)] = S.row(i).squaredNorm();
    };
    distributed_ensemble({samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         {items(x2, 0, samples), items(s2, 0, samples)});  // under mpirun, this rank's part; the values gathered
    // Each rate is a linear combination of per-sample values: its SE from those values directly.
    Moments mx, ms, mpi, mphi_rev;
    for (int i = 0; i < samples; ++i) {
      mx.add(x2[size_t(i)]);
      ms.add(s2[size_t(i)]);
      mpi.add(x2[size_t(i)] + s2[size_t(i)]);
      mphi_rev.add(x2[size_t(i)] + 2 * s2[size_t(i)]);
    }
    EntropyFlowPoint q;
    q.t = t[k];
    q.x2 = mx.mean(), q.s2 = ms.mean(), q.x2_se = mx.mean_se(), q.s2_se = ms.mean_se();
    fill(q, d);
    q.pi_se = mpi.mean_se(), q.phi_se = mx.mean_se(), q.dS_se = ms.mean_se(), q.phi_rev_se = mphi_rev.mean_se();
    out.push_back(q);
  }
  return out;
}

EntropyFlowPoint entropy_flow_two_gaussians(double mu, double s2, int d, double t) {
  const double e = std::exp(-t), mt = mu * e, G = 1 - e * e + s2 * e * e;
  // mu_t . x / G with x = mu_t + sqrt(G) z (the + component; the - one is its mirror image).
  const GaussRule& gh = gauss_hermite(200);
  double th2 = 0;
  for (size_t q = 0; q < gh.x.size(); ++q) {
    const double u = (mt * mt + mt * std::sqrt(G) * gh.x[q]) / G, th = std::tanh(u);
    th2 += gh.w[q] * th * th;
  }
  EntropyFlowPoint p;
  p.t = t;
  p.x2 = mt * mt + d * G;
  p.s2 = d / G - (mt * mt / (G * G)) * (1 - th2);
  fill(p, d);
  return p;
}

}  // namespace td
