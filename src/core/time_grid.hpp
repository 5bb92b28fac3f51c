#pragma once
// A time grid t_min = t_0 < t_1 < ... < t_N = T, the grid an ensemble steps on. Uniform by
// default; process/grids.hpp builds the non-uniform ones (geometric near t_min, EDM-rho in
// sigma-space) that keep the discretization error small where the score changes fast.
#include <cstddef>
#include <vector>

namespace td {

class TimeGrid {
 public:
  TimeGrid() : TimeGrid(0.0, 1.0, 1000) {}
  // Uniform: t_n = t_min + n (T - t_min) / N.
  TimeGrid(double t_min, double T, int steps);
  // Any increasing list of at least two times (throws InputError otherwise).
  explicit TimeGrid(std::vector<double> times);

  double t(int n) const { return t_[std::size_t(n)]; }
  double dt(int n) const { return t_[std::size_t(n) + 1] - t_[std::size_t(n)]; }
  int steps() const { return int(t_.size()) - 1; }
  double t_min() const { return t_.front(); }
  double T() const { return t_.back(); }
  const std::vector<double>& times() const { return t_; }
  double max_dt() const;
  // Every other node (and always T): the grid of twice the step on which the same noise gives the
  // Richardson estimate of the discretization error. Step n of the coarse grid is steps 2n and
  // 2n + 1 of this one (the last coarse step is a single fine step when N is odd).
  TimeGrid coarsened() const;
  // Each step split in k equal parts (for refining until the error is small enough).
  TimeGrid refined(int k) const;
  // The grid with every time of `extra` in (t_min, T) added as a node (so a step ends there).
  TimeGrid with_nodes(const std::vector<double>& extra) const;
  // The grid with every time of `extra` in (t_min, T] as a node at an even index (the step before
  // one at an odd index is split at its midpoint), so that coarsened() keeps them all as nodes.
  TimeGrid with_even_nodes(const std::vector<double>& extra) const;
  // The index of node t (exact match within 1e-12 relative), or -1.
  int node_of(double t) const;

 private:
  std::vector<double> t_;
};

}  // namespace td
