#include "observe/coverage.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace td {

DensityCoverage density_coverage(const Mat& real, const Mat& fake, int k) {
  const int64_t N = real.rows(), M = fake.rows();
  if (real.cols() != fake.cols())
    throw InputError(fmt::format("density/coverage: real samples have {} coordinates, generated {}", real.cols(), fake.cols()));
  if (k < 1 || k >= N) throw InputError(fmt::format("density/coverage: k = {} must be in [1, N - 1 = {}]", k, N - 1));
  if (M < 1) throw InputError("density/coverage: no generated samples");
  // Squared k-NN radii among the reals (excluding the point itself).
  std::vector<double> r2(N);
  ParallelFailure failure;  // the per-thread buffer's allocation may fail
#pragma omp parallel
  {
    std::vector<double> dist;
    failure.run(0, [&] { dist.resize(size_t(N)); });
#pragma omp for schedule(static)
    for (int64_t i = 0; i < N; ++i) {
      if (failure.failed()) continue;
      for (int64_t j = 0; j < N; ++j) dist[j] = (real.row(i) - real.row(j)).squaredNorm();
      dist[i] = INFINITY;
      std::nth_element(dist.begin(), dist.begin() + (k - 1), dist.end());
      r2[i] = dist[k - 1];
    }
  }
  failure.rethrow();
  int64_t inside = 0, covered = 0;
#pragma omp parallel for schedule(static) reduction(+ : inside, covered)
  for (int64_t i = 0; i < N; ++i) {
    int64_t c = 0;
    for (int64_t j = 0; j < M; ++j) c += (fake.row(j) - real.row(i)).squaredNorm() <= r2[i];
    inside += c;
    covered += c > 0;
  }
  return {double(inside) / (double(k) * double(M)), double(covered) / double(N), k, N, M};
}

double expected_coverage_same_distribution(int64_t N, int64_t M, int k) {
  // 1 - prod_{i=1..k} (N - i) / (M + N - i)
  double p = 1;
  for (int i = 1; i <= k; ++i) p *= double(N - i) / double(M + N - i);
  return 1 - p;
}

}  // namespace td
