#include "observe/speciation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "data/mixture_posterior.hpp"
#include "score/mixture_score.hpp"
#include "sim/ensemble.hpp"
#include "sim/fused_cloning_setup.hpp"

namespace td {
namespace {

// Power iteration for the top eigenvalue of a symmetric positive semidefinite operator.
template <class MatVec>
double top_eigenvalue(int d, MatVec apply, Vec* vector = nullptr) {
  Vec v(d);
  for (int j = 0; j < d; ++j) v[j] = 1.0 + 0.01 * std::sin(1.0 + j);  // deterministic, not orthogonal to much
  v.normalize();
  double lambda = 0;
  for (int it = 0; it < 5000; ++it) {
    Vec w = apply(v);
    const double l = v.dot(w), nw = w.norm();
    if (nw == 0) return 0;
    v = w / nw;
    if (vector) *vector = v;
    if (std::abs(l - lambda) <= 1e-13 * std::abs(l)) return l;
    lambda = l;
  }
  return lambda;
}

}  // namespace

double covariance_top_eigenvalue(const Mat& X) {
  if (X.rows() < 2) throw InputError("covariance: need at least 2 points");
  const Mat Xc = X.rowwise() - X.colwise().mean();
  const double n1 = double(X.rows() - 1);
  return top_eigenvalue(int(X.cols()), [&](const Vec& v) { return Vec(Xc.transpose() * (Xc * v) / n1); });
}

Vec covariance_top_direction(const Mat& X) {
  if (X.rows() < 2) throw InputError("covariance: need at least 2 points");
  const Mat Xc = X.rowwise() - X.colwise().mean();
  Vec v;
  top_eigenvalue(int(X.cols()), [&](const Vec& u) { return Vec(Xc.transpose() * (Xc * u)); }, &v);
  return v;
}

double covariance_top_eigenvalue(const GaussianMixture& g) {
  g.validate("covariance: data");
  const Vec mean = g.means.transpose() * g.weights;
  return top_eigenvalue(g.dim(), [&](const Vec& v) {
    Vec w = Vec::Zero(g.dim());
    for (int k = 0; k < g.K(); ++k)
      w += g.weights[k] * (g.vars.row(k).transpose().cwiseProduct(v) + g.means.row(k).transpose() * g.means.row(k).dot(v));
    return Vec(w - mean * mean.dot(v));
  });
}

namespace {

// The noise of branch j's clone: (key, step j * stride + u) at its step u.
class CloneNoise final : public NoiseSource {
 public:
  CloneNoise(RngKey key, size_t j, uint64_t stride) : key_(key), j_(j), stride_(stride) {}
  void fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override {
    normal_block(key_, ids, n, uint64_t(j_) * stride_ + step, d, Z);
  }
 private:
  RngKey key_;
  size_t j_;
  uint64_t stride_;
};

// same[j][i] = 1 when sample i's main path and its clone from branch step bstep[j] (descending) end
// in the same class, on `grid` with the main path's and each clone's noise.
// main_class (if given): the class each main path ends in.
std::vector<std::vector<char>> same_class(const Classifier& classify, const Process& p, const Score& score,
                                          const TimeGrid& grid, const std::vector<int>& bstep, const CloningOptions& o,
                                          const NoiseSource& main_noise, const std::vector<const NoiseSource*>& clone_noise,
                                          std::vector<int>* main_class = nullptr) {
  const int d = score.dim();
  const size_t nb = bstep.size(), ns = size_t(o.samples);
  std::vector<std::vector<char>> same(nb, std::vector<char>(ns));
  const double prior_sd = std::sqrt(p.prior_var());
  const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
    Mat X, Xn, Z, S, C, Cn;
    normal_block({o.seed, Stream::Prior, o.substream}, ids, n, 0, d, X);
    X *= prior_sd;
    // The main path itself is one copy (its noise after the branch is independent of the clone's),
    // so each branch time costs one extra path from t_b to t_min, not two. A clone is classified as
    // soon as it ends: only its classes are kept (memory n per branch, not n x d).
    std::vector<Eigen::VectorXi> clone_cls(nb);
    auto classes = [&](const Mat& Y, Eigen::VectorXi& cls) {
      classify(Y, grid.t_min(), cls);
      if (cls.size() != n) throw InputError("cloning: the classifier must give one class per state");
    };
    auto clone = [&](size_t j, int s) {
      C = X;
      for (int u = s - 1; u >= 0; --u) {
        clone_noise[j]->fill(ids, n, uint64_t(u), d, Z);
        reverse_step(o.scheme, p, score, grid.t(u + 1), grid.t(u), C, Z, S, Cn);
        C.swap(Cn);
      }
      classes(C, clone_cls[j]);
    };
    size_t next = 0;
    while (next < nb && bstep[next] == grid.steps()) clone(next++, grid.steps());
    for (int s = grid.steps() - 1; s >= 0; --s) {
      main_noise.fill(ids, n, uint64_t(s), d, Z);
      reverse_step(o.scheme, p, score, grid.t(s + 1), grid.t(s), X, Z, S, Xn);
      X.swap(Xn);
      while (next < nb && bstep[next] == s) clone(next++, s);
    }
    Eigen::VectorXi main_cls;
    classes(X, main_cls);
    for (size_t j = 0; j < nb; ++j)
      for (int i = 0; i < nv; ++i) same[j][size_t(first + i)] = main_cls[i] == clone_cls[j][i];
    if (main_class)
      for (int i = 0; i < nv; ++i) (*main_class)[size_t(first + i)] = main_cls[i];
  };
  std::vector<ItemArray> outputs;  // under mpirun each rank runs its samples; every outcome is gathered
  for (auto& s : same) outputs.push_back(items(s, 0, o.samples));
  if (main_class) {
    main_class->assign(ns, 0);
    outputs.push_back(items(*main_class, 0, o.samples));
  }
  distributed_ensemble({o.samples, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); }, outputs);
  return same;
}

// same_class by the fused sample on o.fused's platform: the data's exact score only.
std::vector<std::vector<char>> fused_same_class(const GaussianMixture& data, const Process& p, const Score& score,
                                                const TimeGrid& grid, const std::vector<int>& bstep, const CloningOptions& o,
                                                uint64_t stride, const std::vector<double>* fine_weights) {
  const MixtureScore* exact = score.mixture();
  if (!exact || exact->data().weights != data.weights || exact->data().means != data.means || exact->data().vars != data.vars)
    throw InputError("cloning: the fused (GPU) path runs the data's exact score only");
  const FusedCloningSetup setup(data, p, grid, bstep, o.scheme, o.seed, stride, fine_weights);
  std::vector<std::vector<char>> same(bstep.size(), std::vector<char>(size_t(o.samples)));
  std::vector<ItemArray> outputs;
  for (auto& s : same) outputs.push_back(items(s, 0, o.samples));
  distributed_loop(0, o.samples, 256, [&](int64_t lo, int64_t hi) {  // under mpirun, this rank's samples
    const int n = int(hi - lo);
    std::vector<unsigned char> flat(bstep.size() * size_t(n));
    if (n > 0) o.fused(setup.problem(), uint64_t(lo), n, flat.data());
    for (size_t b = 0; b < bstep.size(); ++b)
      for (int i = 0; i < n; ++i) same[b][size_t(lo + i)] = char(flat[b * size_t(n) + size_t(i)]);
  }, outputs);
  return same;
}

double fraction(const std::vector<char>& v) {
  double k = 0;
  for (char c : v) k += c;
  return k / double(v.size());
}

// The split time of phi (branch times descending): where phi, rising from the chance level towards
// 1 as t_b falls, passes half-way.
double split_time(const std::vector<double>& t_desc, const std::vector<double>& phi, double chance) {
  std::vector<double> t(t_desc.rbegin(), t_desc.rend()), f;
  for (auto it = phi.rbegin(); it != phi.rend(); ++it) f.push_back(1 - *it);
  return crossing_from_above(t, f, (1 - chance) / 2);
}

// The chance level is sum_k q_k^2, q_k the share of main paths ending in class k (two independent
// paths agree that often); it is held fixed in the bootstrap, which resamples phi alone.
void read_split_time(const std::vector<std::vector<char>>& same, const std::vector<int>& main_class,
                     const CloningOptions& o, CloningResult& r) {
  std::map<int, double> share;
  for (int c : main_class) share[c] += 1.0 / double(main_class.size());
  r.chance = 0;
  for (const auto& [c, q] : share) r.chance += q * q;
  r.t_split = split_time(r.t, r.phi, r.chance);
  std::vector<std::vector<double>> per_node;
  for (const auto& s : same) per_node.emplace_back(s.begin(), s.end());
  std::tie(r.t_split_lo, r.t_split_hi) = bootstrap_reading(per_node, {o.seed, Stream::Bootstrap, o.substream},
                                                           o.split_bootstrap, [&](const std::vector<double>& phi) {
                                                             return split_time(r.t, phi, r.chance);
                                                           });
}

// phi(t_b) at every branch time (descending), its SE and dt error; `data` (the fused path's exact
// mixture) may be null where o.fused is empty.
CloningResult cloning_phi(const Classifier& classify, const GaussianMixture* data, const Process& p, const Score& score,
                          const TimeGrid& base_grid, const CloningOptions& o) {
  if (o.fused && !data) throw InputError("cloning: the fused (GPU) path runs a mixture's exact score only");
  if (o.fused && o.split_bootstrap > 0) throw InputError("cloning: the split time is read on the CPU block path only");
  if (o.samples < 2 || o.branch_times.empty()) throw InputError("cloning: samples >= 2 and at least one branch time");
  // Every branch time becomes a node at an even index (a step before it is split), so a clone starts
  // exactly there, on this grid and on the coarsened one of the dt error; the branch steps are met
  // in descending order by the reverse sampler.
  for (double tb : o.branch_times)
    if (!(tb >= base_grid.t_min() && tb <= base_grid.T()))
      throw InputError(fmt::format("cloning: branch time {} outside [{}, {}]", tb, base_grid.t_min(), base_grid.T()));
  const TimeGrid grid = base_grid.with_even_nodes(o.branch_times);
  auto branch_steps = [&](const TimeGrid& g) {
    std::vector<int> b;
    for (double tb : o.branch_times) b.push_back(g.node_of(tb));
    std::sort(b.begin(), b.end(), std::greater<int>());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return b;
  };
  const std::vector<int> bstep = branch_steps(grid);
  const size_t nb = bstep.size(), ns = size_t(o.samples);
  const uint64_t stride = uint64_t(grid.steps()) + 1;
  const PhiloxNoise main_noise({o.seed, Stream::Reverse, o.substream});
  std::vector<std::unique_ptr<NoiseSource>> clones, coarse_clones;
  std::vector<const NoiseSource*> clone_ptr, coarse_ptr;
  const std::vector<double> w = step_weights(p, grid);
  for (size_t j = 0; j < nb; ++j) {
    clones.push_back(std::make_unique<CloneNoise>(RngKey{o.seed, Stream::Clone, o.substream}, j, stride));
    coarse_clones.push_back(std::make_unique<CoarsenedNoise>(*clones.back(), w));
    clone_ptr.push_back(clones.back().get());
    coarse_ptr.push_back(coarse_clones.back().get());
  }
  std::vector<int> main_class;
  const auto same = o.fused ? fused_same_class(*data, p, score, grid, bstep, o, stride, nullptr)
                            : same_class(classify, p, score, grid, bstep, o, main_noise, clone_ptr, &main_class);
  std::vector<std::vector<char>> coarse_same;
  if (o.dt_error && grid.steps() >= 2) {
    const TimeGrid coarse = grid.coarsened();
    coarse_same = o.fused ? fused_same_class(*data, p, score, coarse, branch_steps(coarse), o, stride, &w)
                          : same_class(classify, p, score, coarse, branch_steps(coarse), o, CoarsenedNoise(main_noise, w),
                                       coarse_ptr);
  }

  CloningResult r;
  for (size_t j = 0; j < nb; ++j) {
    r.t.push_back(grid.t(bstep[j]));
    const double phi = fraction(same[j]);
    r.phi.push_back(phi);
    r.phi_dt.push_back(coarse_same.empty() ? NAN : fraction(coarse_same[j]) - phi);
    r.phi_se.push_back(std::sqrt(std::max(phi * (1 - phi), 1.0 / double(ns)) / double(ns)));
  }
  if (o.split_bootstrap > 0) read_split_time(same, main_class, o, r);
  return r;
}

}  // namespace

CloningResult cloning_probability(const Classifier& classify, const Process& p, const Score& score, const TimeGrid& grid,
                                  const CloningOptions& o) {
  return cloning_phi(classify, nullptr, p, score, grid, o);
}

CloningResult cloning_probability(const GaussianMixture& data, const Process& p, const Score& score,
                                  const TimeGrid& base_grid, const CloningOptions& o) {
  data.validate("cloning: data");
  const int d = data.dim();
  if (score.dim() != d) throw InputError(fmt::format("cloning: score d = {}, data d = {}", score.dim(), d));
  // The class of a final state: its most probable data component at t_min.
  const Classifier by_component = [&](const Mat& Y, double t_min, Eigen::VectorXi& cls) {
    Mat R;
    posterior_weights(data, {p.alpha(t_min), p.sigma2(t_min)}, Y, R);
    cls.resize(Y.rows());
    for (Eigen::Index i = 0; i < Y.rows(); ++i) R.row(i).maxCoeff(&cls[i]);
  };
  CloningResult r = cloning_phi(by_component, &data, p, score, base_grid, o);
  const size_t ns = size_t(o.samples);
  for (size_t j = 0; j < r.t.size(); ++j) {
    const double t = r.t[j];
    // Theory by Monte Carlo over exact samples of p_t: E sum_k P(k|x)^2.
    const Kernel ker{p.alpha(t), p.sigma2(t)};
    std::vector<double> v(ns);
    distributed_ensemble({o.samples, 256}, [&](const EnsembleSpec& part) {
      parallel_blocks(part, [&](const uint64_t* ids, int n, int nv, int64_t first) {
        std::vector<uint64_t> id(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) id[size_t(i)] = uint64_t(j) * ns + ids[i];
        Mat X0, Z, R;
        sample_mixture(data, {o.seed, Stream::ExactMC}, id.data(), n, 0, X0);
        normal_block({o.seed, Stream::ExactMC}, id.data(), n, 2, d, Z);
        posterior_weights(data, ker, ker.alpha * X0 + std::sqrt(ker.sigma2) * Z, R);
        for (int i = 0; i < nv; ++i) v[size_t(first + i)] = R.row(i).squaredNorm();
      });
    }, {items(v, 0, o.samples)});
    Moments m;
    for (double x : v) m.add(x);
    r.theory.push_back(m.mean());
    r.theory_se.push_back(m.mean_se());
  }
  return r;
}

double cloning_theory_two_gaussians(const Process& p, double m_norm, double s2, double t) {
  const double a = p.alpha(t), G = a * a * s2 + p.sigma2(t), mu = a * m_norm;
  const GaussRule& gh = gauss_hermite(200);
  double phi = 0;
  for (size_t q = 0; q < gh.x.size(); ++q) {
    // Given class +: u = x.m/|m| = mu + sqrt(G) z; log-odds of + is 2 mu u / G.
    const double lo = 2 * mu * (mu + std::sqrt(G) * gh.x[q]) / G;
    const double pp = 1 / (1 + std::exp(-lo)), pm = 1 - pp;
    phi += gh.w[q] * (pp * pp + pm * pm);
  }
  return phi;
}

double crossing_from_above(const std::vector<double>& t, const std::vector<double>& f, double level) {
  for (size_t k = t.size(); k-- > 1;)
    if (f[k] > level && f[k - 1] <= level) return t[k - 1] + (level - f[k - 1]) * (t[k] - t[k - 1]) / (f[k] - f[k - 1]);
  return NAN;
}

namespace {

// L(i, nu) = -|x_i - a A_nu|^2 / (2 D): the log-kernel of the empirical marginal at (a, D), for the
// rows of X and of A (A2: A's squared row norms), by one matrix product.
void empirical_log_kernel(const Mat& X, const Mat& A, const Vec& A2, double a, double D, Mat& L) {
  // -|x - a A_nu|^2 / (2 Delta) = (2 a x.A_nu - |x|^2 - a^2 |A_nu|^2) / (2 Delta)
  L.noalias() = (2 * a) * (X * A.transpose());
  L.colwise() -= X.rowwise().squaredNorm();
  L.rowwise() -= (a * a) * A2.transpose();
  L /= 2 * D;
}

}  // namespace

CollapseResult excess_entropy(const Mat& A, const Process& p, const std::vector<double>& t, int samples, uint64_t seed,
                              double threshold, int bootstrap) {
  const int P = int(A.rows()), d = int(A.cols());
  if (P < 2 || d < 1) throw InputError("excess entropy: need at least 2 training points");
  if (samples < 2) throw InputError("excess entropy: samples must be >= 2");
  if (!(threshold > 0 && threshold < 1)) throw InputError(fmt::format("excess entropy: threshold must be in (0, 1) (got {})", threshold));
  for (size_t k = 0; k < t.size(); ++k)
    if (!(t[k] > 0) || (k > 0 && !(t[k] > t[k - 1])))
      throw InputError(fmt::format("excess entropy: times must be positive and increasing (entry {} is {})", k, t[k]));
  const Vec A2 = A.rowwise().squaredNorm();
  CollapseResult r;
  r.t = t;
  r.threshold = threshold;
  r.bootstrap = bootstrap;
  std::vector<std::vector<double>> per_node(t.size(), std::vector<double>(static_cast<size_t>(samples)));
  for (size_t k = 0; k < t.size(); ++k) {
    std::vector<double>& f = per_node[k];
    const double a = p.alpha(t[k]), D = p.sigma2(t[k]);
    // Blocks of 64 keep the 64 x P distance matrix small; rows are whole samples, so the result
    // does not depend on the blocking.
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      Mat U, Z;
      uniform_block({seed, Stream::Entropy}, ids, n, 2 * k, 1, U);
      normal_block({seed, Stream::Entropy}, ids, n, 2 * k + 1, d, Z);
      Mat X(n, d);
      for (int i = 0; i < n; ++i) X.row(i) = a * A.row(std::min(P - 1, int(U(i, 0) * P))) + std::sqrt(D) * Z.row(i);
      Mat L;
      empirical_log_kernel(X, A, A2, a, D, L);
      for (int i = 0; i < nv; ++i) {
        const double mx = L.row(i).maxCoeff();
        const double lse = mx + std::log((L.row(i).array() - mx).exp().sum());
        // Control variate: the own point's term carries -|z|^2/2, whose chi-square spread would
        // dominate the SE; adding (|z|^2 - d)/(2d) (mean 0) removes it without bias.
        f[size_t(first + i)] = 0.5 + lse / d + (Z.row(i).squaredNorm() - d) / (2.0 * d);
      }
    };
    distributed_ensemble({samples, 64}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         {items(f, 0, samples)});  // under mpirun, this rank's samples
  }
  summarize_collapse(per_node, d, P, {seed, Stream::Entropy, 1}, r);
  return r;
}

void summarize_collapse(const std::vector<std::vector<double>>& per_node, int d, int P, const RngKey& key, CollapseResult& r) {
  const std::vector<double>& t = r.t;
  r.fe.clear(), r.fe_se.clear();
  for (const std::vector<double>& f : per_node) {
    Moments m;
    for (double v : f) m.add(v);
    r.fe.push_back(m.mean());
    r.fe_se.push_back(m.mean_se());
  }
  const double level = r.threshold * std::log(double(P)) / d;
  r.t_collapse = crossing_from_above(t, r.fe, level);
  std::tie(r.t_collapse_lo, r.t_collapse_hi) = bootstrap_reading(per_node, key, r.bootstrap, [&](const std::vector<double>& f) {
    return crossing_from_above(t, f, level);
  });
}

std::pair<double, double> bootstrap_reading(const std::vector<std::vector<double>>& per_node, const RngKey& key, int bootstrap,
                                            const std::function<double(const std::vector<double>&)>& read) {
  if (bootstrap <= 0 || per_node.empty()) return {NAN, NAN};
  const int samples = int(per_node.front().size());
  std::vector<double> tb;
  for (int b = 0; b < bootstrap; ++b) {
    std::vector<double> fb(per_node.size());
    for (size_t k = 0; k < per_node.size(); ++k) {
      double sum = 0;
      for (int i = 0; i < samples; ++i)
        sum += per_node[k][size_t(std::min(samples - 1, int(uniform_at(key, uint64_t(b), k, i) * samples)))];
      fb[k] = sum / samples;
    }
    const double c = read(fb);
    if (std::isfinite(c)) tb.push_back(c);  // a resampling with no reading counts as beyond every reading
  }
  std::sort(tb.begin(), tb.end());
  auto rank = [&](double q) {  // nearest rank among all resamplings; NaN where it falls on a missing reading
    const size_t i = size_t(std::lround(q * (bootstrap - 1)));
    return i < tb.size() ? tb[i] : NAN;
  };
  return {rank(0.025), rank(0.975)};
}

double excess_entropy_theory(const Process& p, double m_norm, double s2, int d, double P, double t) {
  const double a = p.alpha(t), D = p.sigma2(t), G = a * a * s2 + D, mu = a * m_norm;
  // H(p_t) = (d - 1)/2 ln(2 pi e G) + H_1 of the 1-D mixture 1/2 N(+-mu, G) along m. Given class +,
  // ln p(u) = ln N(u; mu, G) - ln 2 + ln(1 + e^{-l}), l = 2 mu u / G the own class's log-odds, so
  // H_1 = 1/2 ln(2 pi e G) + ln 2 - E ln(1 + e^{-l}): the class entropy still unresolved at t.
  const GaussRule& gh = gauss_hermite(200);
  double resolved = 0;  // E ln(1 + e^{-l}), stably
  for (size_t q = 0; q < gh.x.size(); ++q) {
    const double l = 2 * mu * (mu + std::sqrt(G) * gh.x[q]) / G;
    resolved += gh.w[q] * (std::log1p(std::exp(-std::abs(l))) + std::max(0.0, -l));
  }
  const double H_over_d = 0.5 * std::log(2 * M_PI * M_E * G) + (std::log(2.0) - resolved) / d;
  return std::max(0.0, std::log(P) / d + 0.5 * (1 + std::log(2 * M_PI * D)) - H_over_d);
}

double excess_entropy_rem(const Process& p, double, double s2, int d, double P, double t) {
  const double a = p.alpha(t), D = p.sigma2(t), G = a * a * s2 + D;
  return std::max(0.0, std::log(P) / d + 0.5 * std::log(D / G));
}

double collapse_time_theory(double s2, int d, double P) { return 0.5 * std::log1p(s2 / std::expm1(2 * std::log(P) / d)); }

}  // namespace td
