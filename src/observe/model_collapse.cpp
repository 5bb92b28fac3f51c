#include "observe/model_collapse.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "data/dataset.hpp"
#include "data/mixture_posterior.hpp"
#include "score/dataset_score.hpp"
#include "sim/ensemble.hpp"
#include "sim/noise.hpp"

namespace td {
namespace {

// Per-sample values at every reading: commitment, and the two noise-prediction distances.
struct Readings {
  std::vector<std::vector<double>> f, f_held, e_train, e_held;
  Readings(size_t nodes, int samples)
      : f(nodes, std::vector<double>(size_t(samples))), f_held(f), e_train(f), e_held(f) {}
};

struct Refs {
  const Process& p;
  const Score& model;
  GaussianMixture train_law, held_law;  // the rows as delta components
  std::shared_ptr<const Score> train_score, held_score;  // the empirical scores (held: null without rows)
};

// The rows of A as equal-weight delta components: their posterior is the empirical one, and
// data/mixture_posterior's entropy of it is H(w) (its discrete rule).
GaussianMixture deltas(const Mat& A) {
  GaussianMixture g;
  g.weights = Vec::Constant(A.rows(), 1.0 / double(A.rows()));
  g.means = A;
  g.vars = Mat::Zero(A.rows(), A.cols());
  return g;
}

// Reads a block's states at the reading nodes as the sampler passes them.
class CollapseReader final : public ReverseObserver {
 public:
  CollapseReader(const Refs& r, const std::map<int, size_t>& node_reading, const std::vector<double>& times, Readings& out)
      : r_(r), node_reading_(node_reading), times_(times), out_(out) {}
  void begin(const uint64_t* ids, int, int n_valid, double, const Mat&) override {
    first_ = int64_t(ids[0]);
    n_valid_ = n_valid;
  }
  void step(int n, double, double, const Mat& Xn, const Mat&, const Mat&) override {
    const auto it = node_reading_.find(n);
    if (it != node_reading_.end()) read(it->second, Xn);
  }
  void end(double, const Mat&) override {}

 private:
  void read(size_t k, const Mat& X) {
    const double t = times_[k], a = r_.p.alpha(t), D = r_.p.sigma2(t);
    const int d = int(X.cols());
    const Kernel ker{a, D};
    Vec f;
    posterior_entropy(r_.train_law, ker, X.topRows(n_valid_), f);
    f /= d;
    Vec f_held = Vec::Constant(n_valid_, NAN), e_held = f_held;
    Mat Sm, Sr;
    r_.model.score(X, t, Sm);
    r_.train_score->score(X, t, Sr);
    const Vec e_train = D * (Sm - Sr).rowwise().squaredNorm() / d;  // |eps_m - eps_ref|^2 / d, eps = -sqrt(D) s
    if (r_.held_score) {
      posterior_entropy(r_.held_law, ker, X.topRows(n_valid_), f_held);
      f_held /= d;
      r_.held_score->score(X, t, Sr);
      e_held = D * (Sm - Sr).rowwise().squaredNorm() / d;
    }
    for (int i = 0; i < n_valid_; ++i) {
      const size_t at = size_t(first_ + i);
      out_.f[k][at] = f[i], out_.f_held[k][at] = f_held[i];
      out_.e_train[k][at] = e_train[i], out_.e_held[k][at] = e_held[i];
    }
  }

  const Refs& r_;
  const std::map<int, size_t>& node_reading_;
  const std::vector<double>& times_;
  Readings& out_;
  int64_t first_ = 0;
  int n_valid_ = 0;
};

void validate(const Process& p, const Score& model, const Mat& train, const Mat& held, const ModelCollapseOptions& o) {
  const int d = model.dim();
  if (train.rows() < 2 || train.cols() != d)
    throw InputError(fmt::format("model collapse: need >= 2 training rows of d = {} (got {} x {})", d, train.rows(), train.cols()));
  if (held.rows() > 0 && (held.rows() < 2 || held.cols() != d))
    throw InputError(fmt::format("model collapse: need none or >= 2 held-out rows of d = {} (got {} x {})", d, held.rows(), held.cols()));
  if (o.samples < 2 || o.steps < 1) throw InputError("model collapse: samples >= 2 and steps >= 1");
  if (!(o.threshold > 0 && o.threshold < 1))
    throw InputError(fmt::format("model collapse: threshold must be in (0, 1) (got {})", o.threshold));
  if (o.times.empty()) throw InputError("model collapse: no reading times");
  for (size_t k = 0; k < o.times.size(); ++k)
    if (!(o.times[k] > p.t_min() && o.times[k] < p.T()) || (k > 0 && !(o.times[k] > o.times[k - 1])))
      throw InputError(fmt::format("model collapse: reading times must increase inside ({}, {}) (entry {} is {})", p.t_min(),
                                   p.T(), k, o.times[k]));
}

void summarize(const std::vector<std::vector<double>>& per_node, std::vector<double>& mean, std::vector<double>& se) {
  for (const std::vector<double>& v : per_node) {
    Moments m;
    for (double x : v) m.add(x);
    mean.push_back(m.mean());
    se.push_back(m.mean_se());
  }
}

}  // namespace

ModelCollapseResult model_collapse(const Process& p, const Score& model, const Mat& train, const Mat& held,
                                   const ModelCollapseOptions& o) {
  validate(p, model, train, held, o);
  const int d = model.dim();
  const TimeGrid grid = TimeGrid(p.t_min(), p.T(), o.steps).with_nodes(o.times);
  std::map<int, size_t> node_reading;  // grid node -> reading index
  for (size_t k = 0; k < o.times.size(); ++k) node_reading[grid.node_of(o.times[k])] = k;
  Refs refs{p, model, deltas(train), held.rows() > 0 ? deltas(held) : GaussianMixture(),
            exact_score(points_dataset(train, 0, "training set"), p), nullptr};
  if (held.rows() > 0) refs.held_score = exact_score(points_dataset(held, 0, "held-out set"), p);

  Readings r(o.times.size(), o.samples);
  std::vector<ItemArray> outputs;  // under mpirun each rank runs its paths; every reading is gathered
  for (auto* v : {&r.f, &r.f_held, &r.e_train, &r.e_held})
    for (auto& node : *v) outputs.push_back(items(node, 0, o.samples));
  const InitFn init = prior_init(p, d, {o.seed, Stream::ModelPaths, 0});
  const PhiloxNoise noise({o.seed, Stream::ModelPaths, 1});
  distributed_ensemble({o.samples, 64}, [&](const EnsembleSpec& part) {
    run_reverse_ensemble(p, grid, model, part, init, noise, [&] {
      return std::make_unique<CollapseReader>(refs, node_reading, o.times, r);
    }, ReverseScheme::Heun);
  }, outputs);

  ModelCollapseResult out;
  CollapseResult& c = out.commitment;
  c.t = o.times;
  c.threshold = o.threshold;
  c.bootstrap = o.bootstrap;
  summarize_collapse(r.f, d, int(train.rows()), {o.seed, Stream::ModelPaths, 2}, c);
  if (held.rows() > 1) {
    out.held_commitment = c;
    summarize_collapse(r.f_held, d, int(held.rows()), {o.seed, Stream::ModelPaths, 3}, out.held_commitment);
  }
  summarize(r.e_train, out.eps_train, out.eps_train_se);
  if (held.rows() > 0) summarize(r.e_held, out.eps_held, out.eps_held_se);
  return out;
}

}  // namespace td
