#pragma once
// Quadrature rules and the time grids the observables integrate on.
#include <vector>

namespace td {

// Trapezoid weights on a sorted grid: sum_i w_i f(t_i) ~ int f dt.
std::vector<double> trapezoid_weights(const std::vector<double>& t);
// The trapezoid rule on every other node (0, 2, 4, ..., and the last), as weights on all of t
// (zero at the skipped nodes): the coarse twin whose difference estimates the quadrature error.
std::vector<double> coarse_trapezoid_weights(const std::vector<double>& t);

// Nodes on [lo, hi] (0 < lo < hi): half geometric (resolves 1/t behaviour near lo), half uniform
// (bounds the spacing at large t), merged and deduplicated.
std::vector<double> mixed_grid(double lo, double hi, int nodes);

// Gauss-Hermite rule for the standard normal: sum_i w_i f(x_i) ~ E f(Z), Z ~ N(0, 1), exact for
// polynomials of degree < 2n (Golub-Welsch). n in [1, 400].
struct GaussRule {
  std::vector<double> x, w;
};
const GaussRule& gauss_hermite(int n);

}  // namespace td
