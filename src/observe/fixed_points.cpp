#include "observe/fixed_points.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <numeric>

#include "core/error.hpp"
#include "core/quadrature.hpp"
#include "score/mixture_kernels.hpp"

namespace td {
namespace {

double min_std(const GaussianMixture& marg) { return std::sqrt(marg.vars.minCoeff()); }

// The mean-shift map x_j <- sum_k (r_k / V_kj) M_kj / sum_k (r_k / V_kj) for one point, with the
// per-component constants precomputed and no allocation per step (solves take up to ~1e5 steps).
class MeanShift {
 public:
  explicit MeanShift(const GaussianMixture& m)
      : M_(m.means), P_(m.vars.cwiseInverse()), MP_(m.means.cwiseProduct(P_)), c_(m.K()), r_(m.K()) {
    for (int k = 0; k < m.K(); ++k)
      c_[k] = std::log(m.weights[k]) - 0.5 * (2 * M_PI * m.vars.row(k).array()).log().sum();
  }
  // Returns the step length |x_new - x|.
  double step(RowVec& x) {
    for (Eigen::Index k = 0; k < M_.rows(); ++k)
      r_[k] = c_[k] - 0.5 * ((x - M_.row(k)).array().square() * P_.row(k).array()).sum();
    r_ = (r_.array() - r_.maxCoeff()).exp();
    r_ /= r_.sum();
    const RowVec xn = (r_.transpose() * MP_).cwiseQuotient(r_.transpose() * P_);
    const double len = (xn - x).norm();
    x = xn;
    return len;
  }

 private:
  Mat M_, P_, MP_;
  Vec c_, r_;
};

RowVec score_at(const GaussianMixture& m, const RowVec& x) {
  Mat S;
  mixture_eval_reference(m, Mat(x), &S, nullptr, nullptr);
  return S.row(0);
}

double lambda_max(const GaussianMixture& m, const RowVec& x) {
  if (m.dim() > 512) return NAN;  // a dense eigensolve per point would dominate; not reported
  Mat J;
  mixture_jacobian(m, x, J);
  Eigen::SelfAdjointEigenSolver<Mat> es(J, Eigen::EigenvaluesOnly);
  return es.eigenvalues().maxCoeff();
}

// Newton on s(x) = 0 from x: converged point, or nothing.
bool newton(const GaussianMixture& m, RowVec& y, double tol_abs) {
  for (int it = 0; it < 100; ++it) {
    Mat J;
    mixture_jacobian(m, y, J);
    const Vec s = score_at(m, y).transpose();
    const Vec dy = -J.fullPivLu().solve(s);
    if (!dy.allFinite()) return false;
    y += dy.transpose();
    if (dy.norm() < tol_abs) return true;
  }
  return false;
}

// Clusters of points closer than `radius` (union-find over pairs), each a list of indices.
std::vector<std::vector<int>> clusters(const std::vector<RowVec>& x, double radius) {
  std::vector<int> root(x.size());
  std::iota(root.begin(), root.end(), 0);
  std::function<int(int)> find = [&](int i) { return root[size_t(i)] == i ? i : root[size_t(i)] = find(root[size_t(i)]); };
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = i + 1; j < x.size(); ++j)
      if ((x[i] - x[j]).norm() < radius) root[size_t(find(int(j)))] = find(int(i));
  std::vector<std::vector<int>> groups(x.size());
  for (size_t i = 0; i < x.size(); ++i) groups[size_t(find(int(i)))].push_back(int(i));
  std::vector<std::vector<int>> out;
  for (auto& g : groups)
    if (!g.empty()) out.push_back(g);
  return out;
}

std::vector<RowVec> positions(const std::vector<FixedPoint>& f) {
  std::vector<RowVec> x;
  for (const FixedPoint& q : f) x.push_back(q.x);
  return x;
}

}  // namespace

FixedPoint solve_fixed_point(const GaussianMixture& m, const RowVec& x0, const FixedPointOptions& o) {
  const double sd = min_std(m), tol_abs = o.tol * sd;
  FixedPoint fp;
  fp.x = x0;
  MeanShift ms(m);
  for (int it = 0; it < o.max_iter; ++it) {
    const double step = ms.step(fp.x);
    fp.iterations = it + 1;
    if (step < tol_abs) {
      fp.converged = true;
      break;
    }
    // Critical slowing down: finish by Newton when it lands on a stable point within one std.
    if (m.dim() <= o.newton_max_dim && it % 32 == 31) {
      RowVec y = fp.x;
      if (newton(m, y, tol_abs) && (y - fp.x).norm() < sd && lambda_max(m, y) < 0) {
        fp.x = y;
        fp.converged = true;
        break;
      }
    }
  }
  fp.lambda_max = lambda_max(m, fp.x);
  return fp;
}

FixedPointTree fixed_point_tree(const GaussianMixture& data, const Process& p, const FixedPointOptions& o) {
  data.validate("fixed points: data");
  const double lo = o.t_lo > 0 ? o.t_lo : p.t_min(), hi = o.t_hi > 0 ? o.t_hi : p.T();
  if (!(lo > 0) || !(hi > lo)) throw InputError(fmt::format("fixed points: need 0 < t_lo < t_hi (got {}, {})", lo, hi));
  if (o.nodes < 2 || !(o.tol > 0) || o.max_iter < 1 || !(o.merge_tol > 0) || o.bisections < 1)
    throw InputError("fixed points: nodes >= 2, tol > 0, max_iter >= 1, merge_tol > 0, bisections >= 1");
  FixedPointTree tree;
  tree.t = mixed_grid(lo, hi, o.nodes);
  const int K = data.K();
  auto marg = [&](double t) { return data.marginal(p.alpha(t), p.sigma2(t)); };
  auto solve = [&](const GaussianMixture& m, const RowVec& x) {
    FixedPoint fp = solve_fixed_point(m, x, o);
    tree.unconverged += !fp.converged;
    return fp;
  };
  auto record = [](FixedPointBranch& b, double t, const FixedPoint& fp) {
    b.t.push_back(t);
    b.path.conservativeResize(Eigen::Index(b.t.size()), fp.x.size());
    b.path.row(Eigen::Index(b.t.size() - 1)) = fp.x;
    b.lambda_max.push_back(fp.lambda_max);
  };
  std::vector<int> active;
  std::vector<FixedPoint> sol;
  {
    const GaussianMixture m = marg(tree.t[0]);
    for (int k = 0; k < K; ++k) {
      FixedPointBranch b;
      b.members = {k};
      b.t_start = tree.t[0];
      tree.branches.push_back(b);
      active.push_back(k);
      sol.push_back(solve(m, m.means.row(k)));
    }
  }
  // Replaces the active branches of each cluster g (indices into `active`) by one new branch born
  // at tm[g], given the fixed points at that time and at the current node t_now. Clusters are
  // created in order of their merge times, so branch ids follow time. Returns the new solutions.
  auto merge = [&](const std::vector<std::vector<int>>& groups, const std::vector<double>& tm, const std::vector<FixedPoint>& at_tm,
                   const std::vector<FixedPoint>& now, double t_now) {
    std::vector<size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return tm[i] < tm[j]; });
    std::vector<int> next_active;
    std::vector<FixedPoint> next_sol;
    for (size_t gi : order) {
      const std::vector<int>& g = groups[gi];
      next_sol.push_back(now[size_t(g[0])]);
      if (g.size() == 1) {
        next_active.push_back(active[size_t(g[0])]);
        continue;
      }
      FixedPointBranch nb;
      nb.t_start = tm[gi];
      nb.lambda_at_merge = at_tm[size_t(g[0])].lambda_max;
      const int id = int(tree.branches.size());
      for (int i : g) {
        FixedPointBranch& c = tree.branches[size_t(active[size_t(i)])];
        c.parent = id;
        c.t_end = tm[gi];
        if (c.t.empty() || c.t.back() < tm[gi]) record(c, tm[gi], at_tm[size_t(i)]);
        nb.children.push_back(active[size_t(i)]);
        nb.members.insert(nb.members.end(), c.members.begin(), c.members.end());
      }
      std::sort(nb.members.begin(), nb.members.end());
      if (tm[gi] < t_now) record(nb, tm[gi], at_tm[size_t(g[0])]);
      tree.branches.push_back(nb);
      next_active.push_back(id);
    }
    active = next_active;
    return next_sol;
  };
  // Components whose fixed points already coincide on the data side merge at t_lo.
  {
    const auto groups = clusters(positions(sol), o.merge_tol * min_std(marg(tree.t[0])));
    sol = merge(groups, std::vector<double>(groups.size(), tree.t[0]), sol, sol, tree.t[0]);
    for (size_t i = 0; i < active.size(); ++i) record(tree.branches[size_t(active[i])], tree.t[0], sol[i]);
  }
  for (size_t n = 1; n < tree.t.size(); ++n) {
    const double t_prev = tree.t[n - 1], t = tree.t[n];
    const GaussianMixture m = marg(t);
    std::vector<FixedPoint> now;
    for (const FixedPoint& f : sol) now.push_back(solve(m, f.x));
    const auto groups = clusters(positions(now), o.merge_tol * min_std(m));
    std::vector<double> tm(groups.size(), t);
    std::vector<FixedPoint> at_tm = now;
    // Each merge time by bisection from the positions at t_prev: merged once all coincide. Branches
    // meeting in one grid interval in succession are recorded as one k-way merge at the last time.
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const std::vector<int>& g = groups[gi];
      if (g.size() < 2) continue;
      double a = t_prev, b = t;
      for (int it = 0; it < o.bisections && b - a > o.t_tol * b; ++it) {
        const double mid = 0.5 * (a + b);
        const GaussianMixture mm = marg(mid);
        std::vector<FixedPoint> trial;
        // Near a saddle-node a trial passes a bottleneck of ~pi/sqrt(eps) iterations; one that has not
        // converged has not yet reached the surviving branch and counts as "not merged" (the merge
        // time errs late by eps ~ (pi / max_iter)^2), not as a failure.
        for (int i : g) trial.push_back(solve_fixed_point(mm, sol[size_t(i)].x, o));
        if (clusters(positions(trial), o.merge_tol * min_std(mm)).size() > 1) {
          a = mid;
          continue;
        }
        b = mid;
        for (size_t j = 0; j < g.size(); ++j) at_tm[size_t(g[j])] = trial[j];
      }
      tm[gi] = b;
    }
    sol = merge(groups, tm, at_tm, now, t);
    for (size_t i = 0; i < active.size(); ++i) record(tree.branches[size_t(active[i])], t, sol[i]);
  }
  for (int b : active) tree.branches[size_t(b)].t_end = tree.t.back();
  return tree;
}

double two_point_critical_time(const Process& p, double v) {
  auto f = [&](double t) { return p.alpha(t) * p.alpha(t) * v * v - p.sigma2(t); };
  double a = p.t_min(), b = p.T();
  if (!(f(a) > 0 && f(b) < 0))
    throw InputError(fmt::format("two-point bifurcation: alpha^2 |v|^2 = sigma^2 has no root in [{}, {}] for |v| = {}", a, b, v));
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (a + b);
    (f(m) > 0 ? a : b) = m;
  }
  return 0.5 * (a + b);
}

std::vector<Root1D> score_roots_1d(const GaussianMixture& data, const Process& p, double t, double lo, double hi,
                                   int grid) {
  if (data.dim() != 1) throw InputError("score_roots_1d: data must be 1-D");
  if (!(hi > lo) || grid < 2) throw InputError("score_roots_1d: need lo < hi and grid >= 2");
  const GaussianMixture m = data.marginal(p.alpha(t), p.sigma2(t));
  auto s = [&](double x) { return score_at(m, RowVec::Constant(1, x))[0]; };
  std::vector<Root1D> roots;
  double xa = lo, sa = s(lo);
  for (int i = 1; i <= grid; ++i) {
    const double xb = lo + (hi - lo) * i / grid, sb = s(xb);
    if ((sa > 0) != (sb > 0)) {
      double a = xa, b = xb;
      const bool up = sb > 0;  // s rising through zero: unstable
      for (int it = 0; it < 200 && b - a > 1e-15 * std::max(1.0, std::abs(a)); ++it) {
        const double mid = 0.5 * (a + b);
        ((s(mid) > 0) == up ? b : a) = mid;
      }
      const double x = 0.5 * (a + b);
      Mat J;
      mixture_jacobian(m, RowVec::Constant(1, x), J);
      roots.push_back({x, J(0, 0), J(0, 0) < 0});
    }
    xa = xb, sa = sb;
  }
  return roots;
}

}  // namespace td
