#pragma once
// Memorization of a training set by generated samples (issue 33; docs/memorization.md): for each
// sample x, d1 and d2, the distances to its nearest and second-nearest training points, and d_held,
// the distance to the nearest held-out point. A sample is memorized when d1 / d2 < threshold (1/3,
// the criterion of the memorization literature: it sits far closer to one training point than to
// any other). The memorized fraction has a 95% Wilson interval; the same statistic for held-out
// points (fresh draws of the data, none of them copies) is the baseline a generalizing model reaches.
#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace td {

struct Proportion {
  int64_t hits = 0, n = 0;
  double value = 0, lo = 0, hi = 0;  // the fraction and its 95% Wilson interval
};
Proportion wilson_proportion(int64_t hits, int64_t n);

struct MemorizationResult {
  double threshold = 1.0 / 3;
  std::vector<double> d1, d2, d_held;  // per sample (d_held empty without a held-out set)
  std::vector<int64_t> nearest;        // per sample: the index of its nearest training point
  Proportion memorized;                // d1 / d2 < threshold among the samples
  Proportion baseline;                 // the same for the held-out points (n = 0 without them)
};

// `samples` (m x d) against `train` (n >= 2 rows) and, when it has rows, `held_out`. Throws
// InputError for different dimensions, fewer than 2 training points or a threshold outside (0, 1].
MemorizationResult memorization(const Mat& samples, const Mat& train, const Mat& held_out, double threshold = 1.0 / 3);

}  // namespace td
