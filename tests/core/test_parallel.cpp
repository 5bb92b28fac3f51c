// core/parallel.hpp: an exception inside an OpenMP loop reaches the calling thread (never
// std::terminate), and it is the lowest-numbered failing iteration's for any thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel.hpp"

namespace td {

TEST(Parallel, FirstFailingIterationIsRethrownOnTheCallingThread) {
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 4}) {
    omp_set_num_threads(threads);
    std::vector<int> ran(1000, 0);
    ParallelFailure failure;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < 1000; ++i)
      failure.run(i, [&] {
        ran[size_t(i)] = 1;
        if (i == 700 || i == 300 || i == 900) throw std::runtime_error("iteration " + std::to_string(i));
      });
    EXPECT_TRUE(failure.failed());
    try {
      failure.rethrow();
      ADD_FAILURE() << "no exception rethrown";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "iteration 300") << threads << " threads";
    }
    for (int i = 0; i < 300; ++i) EXPECT_EQ(ran[size_t(i)], 1) << "iteration " << i << " before the failure must run";
  }
  omp_set_num_threads(saved);
}

TEST(Parallel, NoFailureRethrowsNothing) {
  ParallelFailure failure;
  int sum = 0;
#pragma omp parallel for reduction(+ : sum)
  for (int i = 0; i < 100; ++i) failure.run(i, [&] { sum += i; });
  EXPECT_FALSE(failure.failed());
  EXPECT_NO_THROW(failure.rethrow());
  EXPECT_EQ(sum, 4950);
}

}  // namespace td
