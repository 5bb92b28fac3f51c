#include "observe/path_kl.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/stats.hpp"
#include "sim/ensemble.hpp"

namespace td {

std::vector<double> log_sigma_grid(double lo, double hi, int n) {
  if (!(lo > 0) || !(hi > lo) || n < 2) throw InputError("path KL: a grid needs 0 < lo < hi and n >= 2 levels");
  std::vector<double> g(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) g[size_t(i)] = std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / double(n - 1));
  g.front() = lo, g.back() = hi;
  return g;
}

std::vector<double> grid_with_levels(const std::vector<double>& grid, const std::vector<std::vector<double>>& schedules) {
  std::vector<double> all = grid;
  for (const auto& s : schedules) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  std::vector<double> out;
  for (double v : all)
    if (out.empty() || v > out.back() * (1 + 1e-12)) out.push_back(v);
  return out;
}

namespace {

// The forward path of rows ids down the grid: called with k = M - 1, ..., 0 in turn, X becomes
// x_{grid[k]} = x_0 + W(grid[k]^2), W a Brownian motion drawn top-down as bridges to 0. `set` 0 is
// the optimizer's table, 1 the evaluation: other data draws (ids offset by 2^40) and other normals
// (substream), so a schedule fitted on the table is not judged on its own noise.
class PathWalk {
 public:
  PathWalk(const DataFn& data, const std::vector<double>& grid, const uint64_t* ids, int n, int d, uint64_t seed, uint32_t set)
      : grid_(grid), ids_(ids), n_(n), d_(d), seed_(seed), set_(set) {
    std::vector<uint64_t> rows(ids, ids + n);
    for (uint64_t& r : rows) r += uint64_t(set) << 40;
    data(rows.data(), n, X0_);
  }
  const Mat& at(int k) {
    normal_block({seed_, Stream::PathKl, set_}, ids_, n_, uint64_t(k), d_, Z_);
    const double s2 = grid_[size_t(k)] * grid_[size_t(k)];
    if (k == int(grid_.size()) - 1) {
      W_ = std::sqrt(s2) * Z_;
    } else {
      const double u2 = grid_[size_t(k) + 1] * grid_[size_t(k) + 1];
      W_ = (s2 / u2) * W_ + std::sqrt(s2 * (u2 - s2) / u2) * Z_;
    }
    X_ = X0_ + W_;
    return X_;
  }
 private:
  const std::vector<double>& grid_;
  const uint64_t* ids_;
  int n_, d_;
  uint64_t seed_;
  uint32_t set_;
  Mat X0_, W_, Z_, X_;
};

int node_of(const std::vector<double>& grid, double level) {
  const auto it = std::lower_bound(grid.begin(), grid.end(), level * (1 - 1e-12));
  if (it == grid.end() || std::abs(*it - level) > 1e-12 * level)
    throw InputError(fmt::format("path KL: the level {} is not a node of the grid", level));
  return int(it - grid.begin());
}

// One schedule's running trapezoid sums down the grid, per path of a block.
struct Running {
  std::vector<bool> level;  // per grid node
  int hi = 0, lo = 0;       // its first and last level's nodes
  Mat top;                  // the score at the current interval's upper level
  Vec acc, fprev;
};

}  // namespace

PathKlEstimate path_kl(const Score& score, const DataFn& data, const std::vector<double>& grid,
                       const std::vector<std::vector<double>>& schedules, int paths, uint64_t seed, uint32_t set) {
  if (paths < 2) throw InputError("path KL: needs at least 2 paths");
  const int M = int(grid.size()), S = int(schedules.size()), d = score.dim();
  std::vector<Running> shape(static_cast<size_t>(S));
  for (int j = 0; j < S; ++j) {
    Running& r = shape[size_t(j)];
    r.level.assign(size_t(M), false);
    for (double v : schedules[size_t(j)]) r.level[size_t(node_of(grid, v))] = true;
    r.hi = node_of(grid, schedules[size_t(j)].front()), r.lo = node_of(grid, schedules[size_t(j)].back());
  }
  std::vector<double> per(size_t(paths) * size_t(S));
  const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
    std::vector<Running> run = shape;
    for (Running& r : run) r.acc = Vec::Zero(n), r.fprev = Vec::Zero(n);
    PathWalk walk(data, grid, ids, n, d, seed, set);
    Mat Sk;
    for (int k = M - 1; k >= 0; --k) {
      const Mat& X = walk.at(k);
      bool needed = false;
      for (const Running& r : run) needed = needed || (k >= r.lo && k <= r.hi);
      if (!needed) continue;
      score.score(X, grid[size_t(k)], Sk);
      for (Running& r : run) {
        if (k < r.lo || k > r.hi) continue;
        if (k == r.hi) {
          r.top = Sk;
          continue;
        }
        const Vec f = grid[size_t(k)] * (Sk - r.top).rowwise().squaredNorm();
        r.acc += (0.5 * (grid[size_t(k) + 1] - grid[size_t(k)])) * (r.fprev + f);
        if (r.level[size_t(k)]) {
          r.top = Sk;
          r.fprev.setZero();
        } else {
          r.fprev = f;
        }
      }
    }
    for (int i = 0; i < nv; ++i)
      for (int j = 0; j < S; ++j) per[size_t(first + i) * size_t(S) + size_t(j)] = run[size_t(j)].acc[i];
  };
  distributed_ensemble({paths, 256}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                       {items(per.data(), 0, paths, S)});
  PathKlEstimate e;
  e.per_path.resize(paths, S);
  for (int j = 0; j < S; ++j) {
    Moments m;
    for (int i = 0; i < paths; ++i) m.add(e.per_path(i, j) = per[size_t(i) * size_t(S) + size_t(j)]);
    e.value.push_back(m.mean()), e.se.push_back(m.mean_se());
  }
  return e;
}

double gaussian_path_kl(const std::vector<double>& s, double c2, int d) {
  double kl = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const double u = c2 + s[i] * s[i], l = c2 + s[i + 1] * s[i + 1];
    kl += 0.5 * std::log(u / l) - (s[i] * s[i] - s[i + 1] * s[i + 1]) / (2 * u);
  }
  return d * kl;
}

PathKlTable::PathKlTable(const Score& score, const DataFn& data, std::vector<double> grid, int paths, uint64_t seed, uint32_t set)
    : grid_(std::move(grid)) {
  if (paths < 2) throw InputError("path KL: needs at least 2 paths");
  const int M = int(grid_.size()), d = score.dim();
  // Every node's scores are held for a block: blocks sized to ~32 MiB, a function of (M, d) only, so
  // the sums below do not depend on the thread count.
  const int block = std::max(kLanes, std::min(256, int((1 << 22) / (int64_t(M) * d)) / kLanes * kLanes));
  const int blocks = (paths + block - 1) / block;
  std::vector<Mat> sums(static_cast<size_t>(blocks));  // per block: sum over its paths of |S_k - S_b|^2, (k, b)
  parallel_blocks({paths, block}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
    PathWalk walk(data, grid_, ids, n, d, seed, set);
    std::vector<Mat> S(static_cast<size_t>(M));
    for (int k = M - 1; k >= 0; --k) score.score(walk.at(k), grid_[size_t(k)], S[size_t(k)]);
    Mat& D = sums[size_t(first / block)];
    D = Mat::Zero(M, M);
    for (int b = 0; b < M; ++b)
      for (int k = 0; k < b; ++k) D(k, b) = (S[size_t(k)] - S[size_t(b)]).topRows(nv).rowwise().squaredNorm().sum();
  });
  Mat D = Mat::Zero(M, M);
  for (const Mat& b : sums) D += b;
  D /= double(paths);
  prefix_.assign(size_t(M), {});
  for (int b = 0; b < M; ++b) {
    std::vector<double>& P = prefix_[size_t(b)];
    P.assign(size_t(b) + 1, 0.0);
    for (int k = 1; k <= b; ++k) {
      const double f0 = grid_[size_t(k) - 1] * D(k - 1, b), f1 = k == b ? 0.0 : grid_[size_t(k)] * D(k, b);
      P[size_t(k)] = P[size_t(k) - 1] + 0.5 * (grid_[size_t(k)] - grid_[size_t(k) - 1]) * (f0 + f1);
    }
  }
}

double PathKlTable::total(const std::vector<int>& idx) const {
  double t = 0;
  for (size_t i = 0; i + 1 < idx.size(); ++i) t += cost(idx[i + 1], idx[i]);
  return t;
}

namespace {

// `start` on the grid: each level at its nearest node in ln sigma that leaves room for the rest, the
// ends at the grid's ends; descending indices.
std::vector<int> snap(const std::vector<double>& grid, const std::vector<double>& start) {
  const int M = int(grid.size()), n = int(start.size());
  std::vector<int> idx(static_cast<size_t>(n));
  idx[0] = M - 1;
  for (int i = 1; i < n; ++i) {
    int best = 0;
    for (int k = 1; k < M; ++k)
      if (std::abs(std::log(grid[size_t(k)] / start[size_t(i)])) < std::abs(std::log(grid[size_t(best)] / start[size_t(i)]))) best = k;
    idx[size_t(i)] = std::clamp(best, n - 1 - i, idx[size_t(i) - 1] - 1);
  }
  idx[size_t(n) - 1] = 0;
  return idx;
}

}  // namespace

OptimizedSchedule optimize_path_kl(const PathKlTable& t, const std::vector<double>& start) {
  const std::vector<double>& g = t.grid();
  const int n = int(start.size());
  if (n < 2 || int(g.size()) < n)
    throw InputError(fmt::format("path-KL schedule: {} levels need a grid of at least as many nodes (has {})", n, g.size()));
  std::vector<int> idx = snap(g, start);
  OptimizedSchedule o;
  o.objective.push_back(t.total(idx));
  for (bool moved = true; moved;) {
    moved = false;
    for (int i = 1; i + 1 < n; ++i) {
      const int up = idx[size_t(i) - 1], down = idx[size_t(i) + 1];
      int best = idx[size_t(i)];
      double best_cost = t.cost(down, best) + t.cost(best, up);
      for (int c = down + 1; c < up; ++c) {
        const double v = t.cost(down, c) + t.cost(c, up);
        if (v < best_cost) best = c, best_cost = v;
      }
      moved = moved || best != idx[size_t(i)];
      idx[size_t(i)] = best;
    }
    o.objective.push_back(t.total(idx));
  }
  for (int k : idx) o.sigmas.push_back(g[size_t(k)]);
  return o;
}

}  // namespace td
