#pragma once
// Exact k nearest neighbours (Euclidean) of query rows among reference rows, fast enough for a
// training set of 60000 x 784 on two cores (issue 33; docs/memorization.md). Candidates come from
// blocked matrix products, |q - r|^2 = |q|^2 + |r|^2 - 2 q.r; every reference whose product-form
// distance lies within that form's rounding bound of the k-th best is then ranked by the direct sum
// of squared differences, in coordinate order, as the brute-force search computes it: the result is
// the brute-force one bit for bit (ties to the lower index), for any thread count.
#include <cstdint>

#include <Eigen/Core>

#include "core/types.hpp"

namespace td {

struct Neighbors {
  Eigen::Matrix<int64_t, Eigen::Dynamic, Eigen::Dynamic> index;  // queries x k, nearest first
  Mat dist;                                                       // queries x k, Euclidean distances
};

// k >= 1 nearest rows of `refs` to each row of `queries` (k <= refs.rows()). Throws InputError for
// different dimensions, no references or a bad k.
Neighbors nearest_neighbors(const Mat& queries, const Mat& refs, int k);
// The reference implementation: every distance by the direct sum (the oracle the tests compare with).
Neighbors nearest_neighbors_brute(const Mat& queries, const Mat& refs, int k);

}  // namespace td
