#include "observe/pathwise_entropy.hpp"

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
#include "sim/noise.hpp"

namespace td {
namespace {

Kernel kernel_at(const Process& p, double t) { return {p.alpha(t), p.sigma2(t)}; }

void check_times(const std::vector<double>& t, const char* who) {
  if (t.empty()) throw InputError(fmt::format("{}: no times given", who));
  for (size_t i = 0; i < t.size(); ++i)
    if (!(t[i] > 0) || (i > 0 && !(t[i] > t[i - 1])))
      throw InputError(fmt::format("{}: times must be positive and increasing (entry {} is {})", who, i, t[i]));
}

// Mean and variance of per-sample values (in sample order) with their SEs, into node k.
void reduce(EntropyVariance& r, size_t k, const std::vector<double>& h) {
  Moments m;
  for (double v : h) m.add(v);
  r.mean[k] = m.mean();
  r.mean_se[k] = m.mean_se();
  r.var[k] = m.variance();
  r.var_se[k] = m.variance_se();
}

void resize(EntropyVariance& r, size_t n) {
  r.mean.resize(n), r.mean_se.resize(n), r.var.resize(n), r.var_se.resize(n);
}

}  // namespace

namespace {

// The vertex of the parabola through nodes i - 1, i, i + 1 (Newton form, non-uniform spacing) and
// the full width at half that height around node i.
void peak_at_node(const std::vector<double>& t, const std::vector<double>& v, size_t i, CurvePeak& pk) {
  const size_t n = v.size();
  pk.t = t[i], pk.height = v[i];
  if (i > 0 && i + 1 < n) {
    const double x0 = t[i - 1], x1 = t[i], x2 = t[i + 1], y0 = v[i - 1], y1 = v[i], y2 = v[i + 1];
    const double d1 = (y1 - y0) / (x1 - x0), d2 = (y2 - y1) / (x2 - x1), a = (d2 - d1) / (x2 - x0);
    if (a < 0) {
      const double x = 0.5 * (x0 + x1) - d1 / (2 * a);
      pk.t = x;
      pk.height = y0 + d1 * (x - x0) + a * (x - x0) * (x - x1);
    }
  }
  const double half = 0.5 * pk.height;
  double left = NAN, right = NAN;
  for (size_t j = i; j > 0; --j) {
    if (v[j - 1] > v[i]) break;  // higher ground before half height: no left half-width
    if (v[j - 1] <= half) {
      left = t[j - 1] + (half - v[j - 1]) * (t[j] - t[j - 1]) / (v[j] - v[j - 1]);
      break;
    }
  }
  for (size_t j = i; j + 1 < n; ++j) {
    if (v[j + 1] > v[i]) break;
    if (v[j + 1] <= half) {
      right = t[j] + (v[j] - half) * (t[j + 1] - t[j]) / (v[j] - v[j + 1]);
      break;
    }
  }
  pk.width = right - left;
}

// The prominence of a local maximum at node j: its height above the higher of the lowest values
// between it and higher ground (or the end) on each side.
double prominence(const std::vector<double>& v, size_t j) {
  double left = v[j], right = v[j];
  for (size_t k = j; k-- > 0 && v[k] <= v[j];) left = std::min(left, v[k]);
  for (size_t k = j + 1; k < v.size() && v[k] <= v[j]; ++k) right = std::min(right, v[k]);
  return v[j] - std::max(left, right);
}

}  // namespace

CurvePeak curve_peak(const std::vector<double>& t, const std::vector<double>& v, const std::vector<double>* se) {
  CurvePeak pk;
  const size_t n = v.size();
  if (n == 0 || t.size() != n) return pk;
  const size_t i = size_t(std::max_element(v.begin(), v.end()) - v.begin());
  if (i > 0 && i + 1 < n) {
    pk.at = "interior";
    peak_at_node(t, v, i, pk);
    return pk;
  }
  pk.at = i == 0 ? "lower edge" : "upper edge";
  pk.edge_t = t[i], pk.edge_height = v[i];
  size_t best = 0;
  double best_p = 0;
  for (size_t j = 1; j + 1 < n; ++j) {
    if (!(v[j] > v[j - 1] && v[j] >= v[j + 1])) continue;
    const double p = prominence(v, j), noise = se && se->size() == n ? 2 * (*se)[j] : 0.0;
    if (p > noise && p > 0.05 * v[j] && p > best_p) best = j, best_p = p;
  }
  if (best) peak_at_node(t, v, best, pk);
  return pk;
}

EntropyVariance pathwise_entropy_forward(const GaussianMixture& data, const Process& p, const std::vector<double>& t,
                                         int samples, uint64_t seed) {
  data.validate("pathwise entropy: data");
  check_times(t, "pathwise entropy");
  if (samples < 2) throw InputError("pathwise entropy: samples must be >= 2");
  EntropyVariance r;
  r.t = t;
  r.rule = posterior_entropy_rule_name(posterior_entropy_rule(data));
  resize(r, t.size());
  const int d = data.dim();
  std::vector<double> h(static_cast<size_t>(samples));
  const RngKey key{seed, Stream::Pathwise};
  for (size_t k = 0; k < t.size(); ++k) {
    const Kernel ker = kernel_at(p, t[k]);
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      std::vector<uint64_t> id(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) id[size_t(i)] = uint64_t(k) * uint64_t(samples) + ids[i];
      Mat X0, Z;
      Vec hb;
      sample_mixture(data, key, id.data(), n, 0, X0);  // steps 0 and 1
      normal_block(key, id.data(), n, 2, d, Z);
      posterior_entropy(data, ker, ker.alpha * X0 + std::sqrt(ker.sigma2) * Z, hb);
      for (int i = 0; i < nv; ++i) h[size_t(first + i)] = hb[i];
    };
    distributed_ensemble({samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         {items(h, 0, samples)});  // under mpirun, this rank's samples
    reduce(r, k, h);
  }
  r.peak = curve_peak(r.t, r.var, &r.var_se);
  return r;
}

EntropyVariance pathwise_entropy_quadrature(const GaussianMixture& data, const Process& p, const std::vector<double>& t,
                                            int nodes) {
  data.validate("pathwise entropy quadrature: data");
  check_times(t, "pathwise entropy quadrature");
  if (data.dim() != 1) throw InputError("pathwise entropy quadrature: the data must be 1-D");
  EntropyVariance r;
  r.t = t;
  r.rule = std::string(posterior_entropy_rule_name(posterior_entropy_rule(data))) + "; Gauss-Hermite over p_t";
  resize(r, t.size());
  const GaussRule& gh = gauss_hermite(nodes);
  const int K = data.K(), q = int(gh.x.size());
  ParallelFailure failure;
#pragma omp parallel for schedule(dynamic)
  for (size_t k = 0; k < t.size(); ++k)
    failure.run(int64_t(k), [&] {
      const Kernel ker = kernel_at(p, t[k]);
      Mat X(K * q, 1);
      Vec w(K * q), h;
      for (int c = 0; c < K; ++c) {
        const double m = ker.alpha * data.means(c, 0), sd = std::sqrt(ker.alpha * ker.alpha * data.vars(c, 0) + ker.sigma2);
        for (int i = 0; i < q; ++i) X(c * q + i, 0) = m + sd * gh.x[size_t(i)], w[c * q + i] = data.weights[c] * gh.w[size_t(i)];
      }
      posterior_entropy(data, ker, X, h, nodes);
      const double m1 = w.dot(h), m2 = w.dot(h.cwiseProduct(h));
      r.mean[k] = m1, r.var[k] = std::max(0.0, m2 - m1 * m1);
      r.mean_se[k] = r.var_se[k] = 0;
    });
  failure.rethrow();
  r.peak = curve_peak(r.t, r.var, &r.var_se);
  return r;
}

namespace {

// Records h (and a 1-D view of x) of every trajectory at the recorded steps.
class EntropyRecorder final : public ReverseObserver {
 public:
  EntropyRecorder(const GaussianMixture& data, const Process& p, const std::vector<int>& steps, const RowVec& axis,
                  std::vector<std::vector<double>>& h, Mat& px, Mat& ph, int keep)
      : data_(data), p_(p), steps_(steps), axis_(axis), h_(h), px_(px), ph_(ph), keep_(keep) {}
  void begin(const uint64_t* ids, int, int n_valid, double T, const Mat& XT) override {
    first_ = int64_t(ids[0]);
    nv_ = n_valid;
    record(int(steps_.size()) - 1, T, XT);  // steps_ ascending; the last is the start (grid.steps)
  }
  void step(int n, double t_n, double, const Mat& Xn, const Mat&, const Mat&) override {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), n);
    if (it != steps_.end() && *it == n) record(int(it - steps_.begin()), t_n, Xn);
  }
  void end(double, const Mat&) override {}

 private:
  void record(int j, double t, const Mat& X) {
    Vec hb;
    posterior_entropy(data_, {p_.alpha(t), p_.sigma2(t)}, X, hb);
    for (int i = 0; i < nv_; ++i) {
      const int64_t id = first_ + i;
      h_[size_t(j)][size_t(id)] = hb[i];
      if (id < keep_) {
        px_(id, j) = X.row(i).dot(axis_);
        ph_(id, j) = hb[i];
      }
    }
  }
  const GaussianMixture& data_;
  const Process& p_;
  const std::vector<int>& steps_;
  RowVec axis_;
  std::vector<std::vector<double>>& h_;
  Mat &px_, &ph_;
  int keep_;
  int64_t first_ = 0;
  int nv_ = 0;
};

// The data's first principal axis (the direction the paths are drawn along for d > 1).
RowVec principal_axis(const GaussianMixture& g) {
  const int d = g.dim();
  const RowVec mean = g.weights.transpose() * g.means;
  Mat C = Mat::Zero(d, d);
  for (int k = 0; k < g.K(); ++k) {
    const RowVec dm = g.means.row(k) - mean;
    C += g.weights[k] * (dm.transpose() * dm);
    C.diagonal() += g.weights[k] * g.vars.row(k).transpose();
  }
  Eigen::SelfAdjointEigenSolver<Mat> es(C);
  return es.eigenvectors().col(d - 1).transpose();
}

}  // namespace

GenerativeEntropy pathwise_entropy_generative(const GaussianMixture& data, const Process& p, const Score& score,
                                              const TimeGrid& grid, int samples, int stride, int keep, uint64_t seed,
                                              ReverseScheme scheme, bool dt_error) {
  data.validate("generative pathwise entropy: data");
  if (score.dim() != data.dim())
    throw InputError(fmt::format("generative pathwise entropy: score d = {}, data d = {}", score.dim(), data.dim()));
  if (samples < 2 || stride < 1 || stride > grid.steps() || keep < 0 || keep > samples)
    throw InputError("generative pathwise entropy: samples >= 2, 1 <= stride <= steps, 0 <= keep <= samples");
  std::vector<int> steps;  // ascending step indices
  for (int n = grid.steps(); n >= 0; n -= stride) steps.push_back(n);
  if (steps.back() != 0) steps.push_back(0);
  std::reverse(steps.begin(), steps.end());
  GenerativeEntropy g;
  g.paths_x.setZero(keep, Eigen::Index(steps.size()));
  g.paths_h.setZero(keep, Eigen::Index(steps.size()));
  const RowVec axis = data.dim() == 1 ? RowVec::Ones(1) : principal_axis(data);
  const std::string rule = posterior_entropy_rule_name(posterior_entropy_rule(data));
  // h at the recorded steps of one ensemble on `on` (the fine grid, or the coarse one's nodes).
  auto run = [&](const TimeGrid& on, const std::vector<int>& rec, const NoiseSource& noise, int kept) {
    std::vector<std::vector<double>> h(rec.size(), std::vector<double>(static_cast<size_t>(samples)));
    // Under mpirun each rank runs its paths; every recorded h is gathered, and the kept paths' rows.
    std::vector<ItemArray> out;
    for (auto& v : h) out.push_back(items(v, 0, samples));
    for (Mat* m : {&g.paths_x, &g.paths_h})
      for (Eigen::Index j = 0; j < m->cols(); ++j) out.push_back(items(m->col(j).data(), 0, kept));
    distributed_ensemble({samples, 256}, [&](const EnsembleSpec& part) {
      run_reverse_ensemble(p, on, score, part, prior_init(p, data.dim(), {seed, Stream::Prior}), noise, [&]() {
        return std::make_unique<EntropyRecorder>(data, p, rec, axis, h, g.paths_x, g.paths_h, kept);
      }, scheme);
    }, out);
    EntropyVariance r;
    r.rule = rule;
    resize(r, rec.size());
    for (size_t j = 0; j < rec.size(); ++j) {
      r.t.push_back(on.t(rec[j]));
      reduce(r, j, h[j]);
    }
    return r;
  };
  const PhiloxNoise noise({seed, Stream::Reverse});
  g.v = run(grid, steps, noise, keep);
  g.v.mean_dt.assign(steps.size(), NAN);
  g.v.var_dt.assign(steps.size(), NAN);
  if (dt_error && grid.steps() >= 2) {
    const TimeGrid coarse = grid.coarsened();
    std::vector<int> rec;
    std::vector<size_t> at;  // fine record index of each coarse record
    for (size_t j = 0; j < steps.size(); ++j)
      if (const int c = coarse.node_of(grid.t(steps[j])); c >= 0) rec.push_back(c), at.push_back(j);
    const EntropyVariance c = run(coarse, rec, CoarsenedNoise(noise, step_weights(p, grid)), 0);
    for (size_t k = 0; k < at.size(); ++k) {
      g.v.mean_dt[at[k]] = c.mean[k] - g.v.mean[at[k]];
      g.v.var_dt[at[k]] = c.var[k] - g.v.var[at[k]];
    }
  }
  g.v.peak = curve_peak(g.v.t, g.v.var, &g.v.var_se);
  return g;
}

GaussianMixture speciation_mixture(double d) {
  if (!(d > 0)) throw InputError(fmt::format("speciation mixture: d = {} must be > 0", d));
  GaussianMixture g;
  g.weights = Vec::Constant(2, 0.5);
  g.means = Mat(2, 1);
  g.means << std::sqrt(4 * d / 3), -std::sqrt(4 * d / 3);
  g.vars = Mat::Ones(2, 1);
  return g;
}

}  // namespace td
