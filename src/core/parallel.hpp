#pragma once
// Exceptions must not leave an OpenMP thread: one that does ends the program (std::terminate, "exit
// 134, no message"). Every parallel loop runs its body through ParallelFailure::run, which keeps the
// exception of the lowest-numbered failing iteration and skips the iterations after it; rethrow(),
// after the loop, raises it on the calling thread. Iterations before the first failure all run, so
// the error reported is the same for any thread count and schedule. Each iteration first checks for
// a requested stop (core/interrupt.hpp): Ctrl-C ends a loop within one iteration.
#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>

#include "core/interrupt.hpp"

namespace td {

class ParallelFailure {
 public:
  template <class F>
  void run(int64_t iteration, F&& body) noexcept {
    if (iteration > first_.load(std::memory_order_relaxed)) return;
    try {
      throw_if_interrupted();
      body();
    } catch (...) {
      record(iteration, std::current_exception());
    }
  }
  bool failed() const { return first_.load() != std::numeric_limits<int64_t>::max(); }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void record(int64_t iteration, std::exception_ptr e) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (iteration < first_.load()) {
      first_.store(iteration);
      error_ = e;
    }
  }
  std::atomic<int64_t> first_{std::numeric_limits<int64_t>::max()};
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace td
