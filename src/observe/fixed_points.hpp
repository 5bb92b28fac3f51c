#pragma once
// Fixed points of the exact score of mixture data and their bifurcations (docs §5.2).
// At time t the score of the marginal mixture (means alpha mu_k, variances V_kj = alpha^2 s_kj^2 +
// sigma^2) vanishes where x_j = sum_k (r_k / V_kj) alpha mu_kj / sum_k (r_k / V_kj): the mean-shift
// map, whose iteration climbs to a local maximum of p_t (a stable fixed point; for delta data
// x = alpha sum_k r_k mu_k, the paper's x* = sum_j w_j y_j in EDM units). Near a bifurcation the
// map slows down critically, so once close a Newton step on s = 0 with the exact Jacobian finishes
// the solve (accepted only where it lands on a stable point nearby).
// Continuation from the data side (t_lo, one branch per component) to the noise side (t_hi):
// branches that meet become one, the meeting time refined by bisection; the result is the merge
// tree of the data (which points merge when).
#include <string>
#include <vector>

#include "core/types.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

struct FixedPointOptions {
  int nodes = 400;            // continuation grid, half geometric and half uniform on [t_lo, t_hi]
  double t_lo = 0, t_hi = 0;  // 0: the process's t_min and T
  double tol = 1e-10;         // converged when the mean-shift step is below tol x the smallest marginal std
  int max_iter = 100000;      // mean-shift iterations per solve
  int newton_max_dim = 64;    // Newton polishing for d up to this (it needs a d x d solve)
  double merge_tol = 1e-6;    // two fixed points are one when closer than merge_tol x that std
  int bisections = 48;        // bisection steps for each merge time, at most,
  double t_tol = 1e-8;        // until the bracket is below t_tol x t
};

struct FixedPoint {
  RowVec x;
  bool converged = false;
  int iterations = 0;
  double lambda_max = 0;  // largest eigenvalue of ds/dx there (< 0: stable)
};

// Solves from x at time t (the marginal mixture `marg`).
FixedPoint solve_fixed_point(const GaussianMixture& marg, const RowVec& x, const FixedPointOptions& opt);

struct FixedPointBranch {
  std::vector<int> members;   // data components whose fixed points flow into this branch (sorted)
  std::vector<int> children;  // branches merged into this one (empty for a data-side leaf)
  int parent = -1;            // the branch it merges into (-1: survives to t_hi)
  double t_start = 0, t_end = 0;
  double lambda_at_merge = 0;  // lambda_max of the merged point at the merge time (~0 at a pitchfork)
  std::vector<double> t;      // continuation nodes on which it exists
  Mat path;                   // its position at those nodes (rows, x units)
  std::vector<double> lambda_max;
};

struct FixedPointTree {
  std::vector<double> t;
  std::vector<FixedPointBranch> branches;  // leaves first (branch k = component k), merges in time order
  int unconverged = 0;                     // solves that hit max_iter (reported, never hidden)
};

FixedPointTree fixed_point_tree(const GaussianMixture& data, const Process& process, const FixedPointOptions& opt);

// Critical time of the two-point (Curie-Weiss) bifurcation for deltas at +-v with equal weights:
// alpha^2 |v|^2 = sigma^2, solved on the process by bisection in t (OU: 1/2 ln(1 + |v|^2)).
double two_point_critical_time(const Process& process, double v_norm);

// 1-D: every zero of the score at time t in [lo, hi] (stable and unstable), located by sign changes
// on `grid` points and bisection; stable where ds/dx < 0.
struct Root1D {
  double x, slope;
  bool stable;
};
std::vector<Root1D> score_roots_1d(const GaussianMixture& data, const Process& process, double t, double lo, double hi,
                                   int grid = 4000);

}  // namespace td
