#pragma once
// The path KL of a sampling schedule (docs/schedules.md#s6.2): how far an N-step sampler that
// holds the score fixed over each step is from the continuous reverse process, by Girsanov's
// theorem, as "Align Your Steps" (Sabour et al. 2024) bounds it. In EDM units (x_sigma = x_0 +
// sigma z, the forward process dx = sqrt(2 sigma) dW in sigma; any model through score/edm_view):
//   KL(schedule) = sum_i int_{sigma_{i+1}}^{sigma_i} sigma E|s(x_sigma, sigma) - s(x_{sigma_i}, sigma_i)|^2 dsigma
// [nats], the expectation over the forward paths from the data (the reverse process's own law),
// between the schedule's first and last levels. Gaussian data N(0, c^2 I_d):
//   KL = d sum_i [ln((c^2 + sigma_i^2) / (c^2 + sigma_{i+1}^2)) / 2 - (sigma_i^2 - sigma_{i+1}^2) / (2 (c^2 + sigma_i^2))],
// of order 1 in the step (~ 1/N), least on levels uniform in ln(c^2 + sigma^2).
// Paths are Brownian bridges down a grid of levels (Stream::PathKl by sample id), so every schedule
// evaluated on one grid sees the same paths: differences between schedules are paired. The
// optimizer's table draws its own paths (other data rows, other normals): its schedule is judged on
// paths it was not fitted to.
#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "data/data_fn.hpp"
#include "score/score.hpp"

namespace td {

// `n` levels uniform in ln sigma from lo to hi, ascending (the grid the paths are drawn on).
std::vector<double> log_sigma_grid(double lo, double hi, int n);
// The grid with every level of `schedules` added (ascending, levels within 1e-12 relative merged).
std::vector<double> grid_with_levels(const std::vector<double>& grid, const std::vector<std::vector<double>>& schedules);

struct PathKlEstimate {
  std::vector<double> value, se;  // per schedule [nats]
  Mat per_path;                   // paths x schedules: each path's sum (their mean is value)
};
// The path KL of each schedule (descending levels, each a node of the ascending `grid`) by the
// trapezoid rule on the grid's nodes, over `paths` forward paths from `data` (path set `set`: 1, the
// evaluation's, unless a test asks for the table's 0). Throws InputError for a level that is not a
// grid node, or fewer than 2 paths.
PathKlEstimate path_kl(const Score& score, const DataFn& data, const std::vector<double>& grid,
                       const std::vector<std::vector<double>>& schedules, int paths, uint64_t seed, uint32_t set = 1);
// The closed form for Gaussian data N(0, c2 I_d) (above).
double gaussian_path_kl(const std::vector<double>& schedule, double c2, int d);

// Every interval's cost on a grid, for the optimizer: cost(a, b) = the path KL of one step from
// grid node b down to node a < b (the same paths and quadrature as path_kl).
class PathKlTable {
 public:
  PathKlTable(const Score& score, const DataFn& data, std::vector<double> grid, int paths, uint64_t seed, uint32_t set = 0);
  const std::vector<double>& grid() const { return grid_; }
  double cost(int a, int b) const { return prefix_[size_t(b)][size_t(b)] - prefix_[size_t(b)][size_t(a)]; }
  // The path KL of a schedule given as descending grid indices.
  double total(const std::vector<int>& idx) const;

 private:
  std::vector<double> grid_;
  std::vector<std::vector<double>> prefix_;  // prefix_[b][k]: the trapezoid sum from node 0 to k of sigma E|S_k - S_b|^2
};

struct OptimizedSchedule {
  std::vector<double> sigmas;     // descending, grid nodes, the grid's ends first and last
  std::vector<double> objective;  // the path KL at the start and after every sweep [nats]
};
// Minimizes the path KL over schedules of n levels on the table's grid, the ends fixed at the
// grid's ends, by coordinate descent (Align Your Steps' iterative refinement, exact on the grid):
// each sweep moves every inner level in turn to the grid node between its neighbours that makes
// its two intervals cheapest, keeping it where no node is strictly better; it starts from `start`
// (n levels, each moved to the nearest free grid node) and stops after a sweep that moves nothing.
// Deterministic: the objective never rises. Throws InputError when the grid has fewer than n nodes.
OptimizedSchedule optimize_path_kl(const PathKlTable& table, const std::vector<double>& start);

}  // namespace td
