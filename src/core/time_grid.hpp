#pragma once
// Uniform time grid t_n = t_min + n (T - t_min) / N, n = 0..N, the grid the forward ensembles use.
#include <vector>

namespace td {

struct TimeGrid {
  double t_min = 0, T = 1;
  int steps = 1000;
  double dt() const { return (T - t_min) / steps; }
  double t(int n) const { return n == steps ? T : t_min + n * dt(); }
};

}  // namespace td
