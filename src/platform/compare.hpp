#pragma once
// Every kernel of the platform interface on two platforms, on the same inputs: their normalized mean
// squared difference (against the first, the oracle) and the time of each (best of `repeats`). The
// test of the fast paths and bench/bench_platforms share it (ggml's test-backend-ops is the model).
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace td {

struct KernelComparison {
  std::string kernel, shape;
  double nmse = 0;       // sum (b - a)^2 / sum a^2 over every output (cloning: the fraction of outcomes that differ)
  double tolerance = 0;  // what the kernel's contract allows (its fast math differs in the last bits)
  double seconds_a = 0, seconds_b = 0;
  bool ok() const { return nmse <= tolerance; }
};

// `size` scales the inputs (1: the test's, larger for a benchmark).
std::vector<KernelComparison> compare_platforms(const Platform& a, const Platform& b, int size, int repeats);

}  // namespace td
