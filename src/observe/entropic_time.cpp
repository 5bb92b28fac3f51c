#include "observe/entropic_time.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "sim/ensemble.hpp"

namespace td {

X0Error x0_prediction_error(const Process& p, const Score& score, const DataFn& data, const std::vector<double>& times,
                            int samples, uint64_t seed) {
  if (samples < 2) throw InputError("x0 prediction error: samples must be >= 2");
  const int d = score.dim();
  X0Error r;
  std::vector<double> v(static_cast<size_t>(samples));
  for (size_t k = 0; k < times.size(); ++k) {
    const double t = times[k], a = p.alpha(t), sg = p.sigma(t);
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      std::vector<uint64_t> id(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) id[size_t(i)] = uint64_t(k) * uint64_t(samples) + ids[i];
      Mat X0, Z, S;
      data(id.data(), n, X0);
      normal_block({seed, Stream::Entropy}, id.data(), n, 0, d, Z);
      const Mat X = a * X0 + sg * Z;
      score.score(X, t, S);
      for (int i = 0; i < nv; ++i) v[size_t(first + i)] = ((X.row(i) + sg * sg * S.row(i)) / a - X0.row(i)).squaredNorm();
    };
    distributed_ensemble({samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         {items(v, 0, samples)});  // under mpirun, this rank's part; the values gathered
    Moments m;
    for (double x : v) m.add(x);
    r.sigma.push_back(p.sigma_tilde(t)), r.eps2.push_back(m.mean()), r.eps2_se.push_back(m.mean_se());
  }
  // Ascending in sigma whatever order the nodes came in.
  std::vector<size_t> o(times.size());
  for (size_t i = 0; i < o.size(); ++i) o[i] = i;
  std::sort(o.begin(), o.end(), [&](size_t a, size_t b) { return r.sigma[a] < r.sigma[b]; });
  X0Error s;
  for (size_t i : o) s.sigma.push_back(r.sigma[i]), s.eps2.push_back(r.eps2[i]), s.eps2_se.push_back(r.eps2_se[i]);
  return s;
}

X0Error x0_prediction_error(const Score& score, const DataFn& data, const std::vector<double>& sigmas, int samples,
                            uint64_t seed) {
  const Process edm(default_process(ProcessKind::EDM));  // alpha = 1, sigma = t: x0_hat = x + sigma^2 s
  return x0_prediction_error(edm, score, data, sigmas, samples, seed);
}

EntropicSchedule entropic_schedule(const X0Error& e, int n) {
  const size_t m = e.sigma.size();
  if (m < 2 || n < 2) throw InputError("entropic schedule: need >= 2 base nodes and >= 2 schedule points");
  EntropicSchedule s;
  s.base_sigma = e.sigma;
  s.phi.assign(m, 0.0);
  // d phi~ = eps^2 / sigma^2 d sigma = (eps^2 / sigma) d ln sigma.
  for (size_t i = 1; i < m; ++i)
    s.phi[i] = s.phi[i - 1] + 0.5 * (e.eps2[i] / e.sigma[i] + e.eps2[i - 1] / e.sigma[i - 1]) *
                                  std::log(e.sigma[i] / e.sigma[i - 1]);
  const double total = s.phi.back();
  if (!(total > 0)) throw RunError("entropic schedule: the x0-prediction error is zero on the whole grid");
  for (double& p : s.phi) p /= total;
  for (int j = n - 1; j >= 0; --j) {
    const double target = double(j) / (n - 1);
    size_t i = size_t(std::lower_bound(s.phi.begin(), s.phi.end(), target) - s.phi.begin());
    i = std::clamp<size_t>(i, 1, m - 1);
    const double f = s.phi[i] > s.phi[i - 1] ? (target - s.phi[i - 1]) / (s.phi[i] - s.phi[i - 1]) : 0.0;
    s.sigmas.push_back(std::exp(std::log(e.sigma[i - 1]) + f * std::log(e.sigma[i] / e.sigma[i - 1])));
  }
  s.sigmas.front() = e.sigma.back(), s.sigmas.back() = e.sigma.front();
  return s;
}

namespace {

// The mixture's mass in [lo, hi) of coordinate j, component k.
double component_mass(const GaussianMixture& g, int k, int j, double lo, double hi) {
  const double s = std::sqrt(2 * g.vars(k, j));
  return 0.5 * (std::erfc(-(hi - g.means(k, j)) / s) - std::erfc(-(lo - g.means(k, j)) / s));
}

}  // namespace

double kl_generated_to_true(const Mat& x, const GaussianMixture& g, int bins) {
  const int d = g.dim();
  if (d > 2 || x.cols() != d) throw InputError("KL of generated to true: 1-D or 2-D data only");
  const int n = int(x.rows()), K = g.K();
  std::vector<double> q, p;
  if ((g.vars.array() == 0).all()) {
    q.assign(size_t(K), 0.0);
    for (int i = 0; i < n; ++i) {
      int best = 0;
      for (int k = 1; k < K; ++k)
        if ((x.row(i) - g.means.row(k)).squaredNorm() < (x.row(i) - g.means.row(best)).squaredNorm()) best = k;
      q[size_t(best)] += 1.0 / n;
    }
    for (int k = 0; k < K; ++k) p.push_back(g.weights[k]);
  } else if (d == 1) {
    const double sd = std::sqrt(g.vars.maxCoeff());
    const double lo = g.means.minCoeff() - 5 * sd, hi = g.means.maxCoeff() + 5 * sd, w = (hi - lo) / bins;
    q.assign(size_t(bins) + 2, 0.0);  // + the two tails
    for (int i = 0; i < n; ++i) {
      const double u = (x(i, 0) - lo) / w;
      const int b = u < 0 ? bins : u >= bins ? bins + 1 : int(u);
      q[size_t(b)] += 1.0 / n;
    }
    auto cdf = [&](double y) {
      double c = 0;
      for (int k = 0; k < K; ++k) c += g.weights[k] * 0.5 * std::erfc(-(y - g.means(k, 0)) / std::sqrt(2 * g.vars(k, 0)));
      return c;
    };
    for (int b = 0; b < bins; ++b) p.push_back(cdf(lo + (b + 1) * w) - cdf(lo + b * w));
    p.push_back(cdf(lo));
    p.push_back(1 - cdf(hi));
  } else {
    // 2-D: sqrt(bins) cells per axis over the box, one cell for the rest; a diagonal component's
    // mass in a cell is the product of its 1-D masses.
    const double sd = std::sqrt(g.vars.maxCoeff());
    const int b = std::max(2, int(std::lround(std::sqrt(double(bins)))));
    double lo[2], w[2];
    for (int j = 0; j < 2; ++j) lo[j] = g.means.col(j).minCoeff() - 5 * sd, w[j] = (g.means.col(j).maxCoeff() + 5 * sd - lo[j]) / b;
    q.assign(size_t(b * b) + 1, 0.0);
    for (int i = 0; i < n; ++i) {
      const double u = (x(i, 0) - lo[0]) / w[0], v = (x(i, 1) - lo[1]) / w[1];
      const bool in = u >= 0 && u < b && v >= 0 && v < b;
      q[in ? size_t(int(u) * b + int(v)) : size_t(b * b)] += 1.0 / n;
    }
    p.assign(size_t(b * b) + 1, 0.0);
    double inside = 0;
    for (int c = 0; c < b * b; ++c) {
      const double a0 = lo[0] + (c / b) * w[0], a1 = lo[1] + (c % b) * w[1];
      for (int k = 0; k < K; ++k)
        p[size_t(c)] += g.weights[k] * component_mass(g, k, 0, a0, a0 + w[0]) * component_mass(g, k, 1, a1, a1 + w[1]);
      inside += p[size_t(c)];
    }
    p[size_t(b * b)] = std::max(0.0, 1 - inside);
  }
  double kl = 0;
  for (size_t c = 0; c < q.size(); ++c)
    if (q[c] > 0) kl += q[c] * std::log(q[c] / std::max(p[c], 1e-300));
  return kl;
}

std::vector<double> entropic_times(const Process& p, const Score& score, const DataFn& data, int n, int nodes,
                                   int samples, uint64_t seed) {
  if (nodes < 2) throw InputError(fmt::format("entropic schedule: {} base nodes; need >= 2", nodes));
  const std::vector<double> base = baseline_schedule("uniform_log_sigma", p, nodes);
  const EntropicSchedule sch = entropic_schedule(x0_prediction_error(p, score, data, base, samples, seed), n);
  return times_of_sigmas(p, sch.sigmas);
}

}  // namespace td

