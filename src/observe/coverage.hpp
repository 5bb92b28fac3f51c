#pragma once
// Density and coverage of generated samples against real ones (Naeem et al. 2020; docs §2.7).
// r_k(x_i): distance from real x_i to its k-th nearest other real sample.
//   density  = 1/(k M) sum_j sum_i 1[|y_j - x_i| <= r_k(x_i)]
//   coverage = 1/N sum_i 1[exists j: |y_j - x_i| <= r_k(x_i)]
// For fakes from the real distribution, E[density] = 1 and, for M = N, E[coverage] = 1 - C(N-1,k)/C(M+N-1,k)
// (Naeem et al., Lemma; -> 1 - 2^-k for large N). Exact k-NN by brute force, OpenMP over reals:
// meant for the thousands of samples of low-dimensional experiments.
#include "core/types.hpp"

namespace td {

struct DensityCoverage {
  double density = 0, coverage = 0;
  int k = 0;
  int64_t reals = 0, fakes = 0;
};

// real: N x d, fake: M x d, 1 <= k < N. Throws InputError on bad shapes.
DensityCoverage density_coverage(const Mat& real, const Mat& fake, int k = 5);

// Expected coverage when fakes and reals come from the same distribution (the Lemma above).
double expected_coverage_same_distribution(int64_t N, int64_t M, int k);

}  // namespace td
