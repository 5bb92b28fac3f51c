#pragma once
// The timing rule of the benchmarks that compare variants in one process: a warm-up, then the
// faster of two runs (the machines are shared: a neighbour only ever slows a run down).
#include <algorithm>
#include <chrono>
#include <functional>

inline double best_of_two(const std::function<void()>& f) {
  f();
  double best = 1e300;
  for (int r = 0; r < 2; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}
