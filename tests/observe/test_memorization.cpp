// Nearest neighbours and memorization (observe/nearest_neighbors.hpp, observe/memorization.hpp):
// the blocked search equals brute force bit for bit (ties, duplicates, large offsets, any thread
// count); Wilson intervals against closed forms; the exact empirical score memorizes every sample;
// a law much wider than the point spacing memorizes no more than held-out data.
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/memorization.hpp"
#include "observe/nearest_neighbors.hpp"
#include "process/schedules.hpp"
#include "score/mixture_score.hpp"
#include "sim/edm_samplers.hpp"

namespace td {
namespace {


void expect_same(const Neighbors& a, const Neighbors& b, const char* what) {
  EXPECT_EQ(a.index, b.index) << what;
  EXPECT_EQ(a.dist, b.dist) << what;
}

TEST(NearestNeighbors, EqualBruteForceExactly) {
  test::print_seed(31);
  // Integer points: many exact ties (resolved to the lower index) and duplicates.
  const Mat grid_refs = (test::points(3000, 3, 31) * 2).array().round().matrix();
  const Mat grid_queries = (test::points(300, 3, 32) * 2).array().round().matrix();
  // High dimension, rows far from the origin: the product form's rounding is largest there.
  const Mat far_refs = (test::points(5000, 50, 33).array() + 1000.0).matrix(), far_queries = (test::points(200, 50, 34).array() + 1000.0).matrix();
  Mat near = far_refs.topRows(200);
  near.col(0).array() += 1e-9;  // queries a hair away from reference rows
  for (int k : {1, 2, 5}) {
    expect_same(nearest_neighbors(grid_queries, grid_refs, k), nearest_neighbors_brute(grid_queries, grid_refs, k), "grid");
    expect_same(nearest_neighbors(far_queries, far_refs, k), nearest_neighbors_brute(far_queries, far_refs, k), "far");
    expect_same(nearest_neighbors(near, far_refs, k), nearest_neighbors_brute(near, far_refs, k), "near");
  }
  omp_set_num_threads(1);
  const Neighbors one = nearest_neighbors(far_queries, far_refs, 2);
  omp_set_num_threads(2);
  expect_same(one, nearest_neighbors(far_queries, far_refs, 2), "threads");
  EXPECT_THROW(nearest_neighbors(far_queries, grid_refs, 1), InputError);
  EXPECT_THROW(nearest_neighbors(grid_queries, grid_refs.topRows(1), 2), InputError);
}

TEST(Memorization, WilsonIntervalClosedForms) {
  EXPECT_EQ(wilson_proportion(64, 64).hi, 1.0);
  EXPECT_EQ(wilson_proportion(0, 64).lo, 0.0);
  const Proportion z = wilson_proportion(0, 10);
  EXPECT_EQ(z.lo, 0.0);
  EXPECT_NEAR(z.hi, 0.27753, 1e-5);  // z^2 / (n + z^2) at z = 1.96
  const Proportion h = wilson_proportion(50, 100);
  EXPECT_NEAR(h.lo, 0.40383, 1e-5);
  EXPECT_NEAR(h.hi, 0.59617, 1e-5);
}

// 64 training points in d = 2 (spacing ~0.3): the exact score of their empirical law (deltas),
// sampled by EDM's Heun sampler down to sigma = 0.002, puts every sample on a training point:
// memorized fraction 1 (interval above 0.95). Samples of a law 10x wider than the spacing memorize at
// the rate of held-out draws of that same law (intervals overlap), far below 1.
TEST(Memorization, EmpiricalScoreMemorizesAWideLawDoesNot) {
  const uint64_t seed = 41;
  test::print_seed(seed);
  const Mat train = test::points(64, 2, seed);
  GaussianMixture deltas;
  deltas.weights = Vec::Constant(64, 1.0 / 64);
  deltas.means = train;
  deltas.vars = Mat::Zero(64, 2);
  const Process edm(default_process(ProcessKind::EDM));
  const MixtureScore empirical(deltas, edm);
  const Mat gen = sample_edm_heun(empirical, edm_sigmas(64, 0.002, 80), 1000, seed);
  GaussianMixture wide = deltas;
  wide.vars = Mat::Constant(64, 2, 9.0);
  std::vector<uint64_t> ids(2000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat draws;
  sample_mixture(wide, {seed, Stream::Data}, ids.data(), 2000, 0, draws);
  const MemorizationResult m = memorization(gen, train, draws.bottomRows(1000));
  const MemorizationResult w = memorization(draws.topRows(1000), train, draws.bottomRows(1000));
  std::printf("empirical score: %.3f [%.3f, %.3f]; wide law: %.3f [%.3f, %.3f], held-out baseline %.3f [%.3f, %.3f]\n",
              m.memorized.value, m.memorized.lo, m.memorized.hi, w.memorized.value, w.memorized.lo, w.memorized.hi,
              w.baseline.value, w.baseline.lo, w.baseline.hi);
  EXPECT_GT(m.memorized.lo, 0.95);
  EXPECT_LT(w.memorized.value, 0.2);
  EXPECT_TRUE(w.memorized.lo <= w.baseline.hi && w.baseline.lo <= w.memorized.hi);
  EXPECT_EQ(m.d_held.size(), 1000u);
  EXPECT_THROW(memorization(gen, train, draws, 1.5), InputError);
}

}  // namespace
}  // namespace td
