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

// One kernel's case: every point of its parameter grid (K, d, isotropic or diagonal, chunk sizes, ...)
// on platforms a and b, appended to `out`. `size` scales the largest chunk (1: the test's, larger for a
// benchmark); each timing is the best of `repeats`.
struct KernelCase {
  const char* kernel;
  void (*run)(const Platform& a, const Platform& b, int size, int repeats, std::vector<KernelComparison>& out);
};
const std::vector<KernelCase>& kernel_cases();

// Every case (b against the oracle a).
std::vector<KernelComparison> compare_platforms(const Platform& a, const Platform& b, int size, int repeats);

}  // namespace td
