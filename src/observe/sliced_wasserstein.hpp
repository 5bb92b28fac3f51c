#pragma once
// The sliced Wasserstein-2 distance between generated samples and data, in any dimension:
// SW2^2(P, Q) = E_theta W2^2(theta.P, theta.Q), theta uniform on the unit sphere, each 1-D W2^2 the
// mean squared difference of the sorted projections of two samples of equal size. `directions`
// fixed directions (Stream::Sliced of `seed`, by direction id), so every comparison made with one
// seed projects on the same ones. The plug-in is biased up at finite n (two samples of one law are
// at SW2^2 > 0): compare at equal sizes, beside the same estimator on two samples of the data.
#include <cstdint>

#include "core/types.hpp"

namespace td {

// [units of x^2]; uses the first min(n, m) rows of each. Throws InputError for different
// dimensions, fewer than 2 rows or no directions.
double sliced_w2(const Mat& x, const Mat& y, int directions, uint64_t seed);

}  // namespace td
