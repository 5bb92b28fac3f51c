#pragma once
// The energy distance between generated samples and data (Szekely & Rizzo 2013), a distance of
// distributions in any dimension: E(P, Q) = 2 E|X - Y| - E|X - X'| - E|Y - Y'| >= 0, zero exactly
// when P = Q. Estimated by the linear-time statistic: disjoint quadruples (x_2i, x_2i+1, y_2i,
// y_2i+1) give independent unbiased terms
//   h_i = |x_2i - y_2i+1| + |x_2i+1 - y_2i| - |x_2i - x_2i+1| - |y_2i - y_2i+1|,
// so the mean has a plain standard error and a paired comparison of two samplers (the same data
// rows, generated samples from the same prior draws and noise) is a mean of differences with its
// own SE. Rows must be independent draws (any order that does not depend on the values).
#include "core/types.hpp"

namespace td {

struct EnergyDistance {
  double value = 0, se = 0;  // [units of x]
  int64_t quadruples = 0;
};

// x: generated (n x d), y: data (m x d); uses the first 2 floor(min(n, m) / 2) rows of each. Throws
// InputError for different dimensions or fewer than 4 rows.
EnergyDistance energy_distance(const Mat& x, const Mat& y);
// E(x_a, y) - E(x_b, y) on the same quadruples: paired, so most of the data's noise cancels.
EnergyDistance energy_distance_difference(const Mat& x_a, const Mat& x_b, const Mat& y);

}  // namespace td
