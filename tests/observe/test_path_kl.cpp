// The path KL of sampling schedules (observe/path_kl.hpp): the Monte Carlo estimate against the
// Gaussian closed form within 4 SE, its order in the number of steps, the optimizer's table against
// the streaming estimate, and the optimizer (monotone, near the closed-form optimum, thread-free).
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "observe/path_kl.hpp"
#include "process/schedules.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

Process edm() { return Process(default_process(ProcessKind::EDM)); }

std::vector<double> descending(std::vector<double> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

constexpr double kMin = 0.01, kMax = 20, kC2 = 0.5;
constexpr int kD = 2;

// Estimates within 4 SE of the closed form for N = 32 .. 512 levels uniform in ln sigma, and the
// fitted order of the estimate in the step 1/(N - 1) is 1 (the frozen-score step's KL is O(step);
// the closed form's own fit over these N is 0.954, smaller N are not yet asymptotic).
TEST(PathKl, GaussianClosedFormAndOrderOne) {
  const GaussianMixture g = test::isotropic_gaussian(kD, kC2);
  const MixtureScore s(g, edm());
  const uint64_t seed = 17;
  test::print_seed(seed);
  std::vector<std::vector<double>> sch;
  for (int n : {32, 64, 128, 256, 512}) sch.push_back(descending(log_sigma_grid(kMin, kMax, n)));
  const std::vector<double> grid = grid_with_levels(log_sigma_grid(kMin, kMax, 400), sch);
  const PathKlEstimate e = path_kl(s, mixture_data(g, {seed, Stream::Data}), grid, sch, 4000, seed);
  std::vector<double> x, y;
  for (size_t j = 0; j < sch.size(); ++j) {
    const double exact = gaussian_path_kl(sch[j], kC2, kD);
    std::printf("N = %2zu: path KL %.5f +- %.5f, closed form %.5f\n", sch[j].size(), e.value[j], e.se[j], exact);
    EXPECT_LE(std::abs(e.value[j] - exact), 4 * e.se[j]) << sch[j].size() << " levels";
    x.push_back(double(sch[j].size() - 1)), y.push_back(e.value[j]);
  }
  const double order = -test::fit_order(x, y);  // KL ~ (steps)^-order
  std::printf("fitted order %.3f (declared 1)\n", order);
  EXPECT_NEAR(order, 1.0, 0.1);
}

// The table's sum over a grid schedule is the streaming estimate on the same grid and paths (set 0);
// the evaluation's own paths (set 1) agree within 4 combined SE.
TEST(PathKl, TableAgreesWithTheStreamingEstimate) {
  const GaussianMixture g = test::isotropic_gaussian(kD, kC2);
  const MixtureScore s(g, edm());
  const std::vector<double> grid = log_sigma_grid(kMin, kMax, 40);
  const DataFn data = mixture_data(g, {3, Stream::Data});
  const PathKlTable t(s, data, grid, 300, 3);
  const std::vector<int> idx = {39, 30, 21, 20, 7, 0};
  std::vector<double> levels;
  for (int k : idx) levels.push_back(grid[size_t(k)]);
  const PathKlEstimate e = path_kl(s, data, grid, {levels}, 300, 3, 0), other = path_kl(s, data, grid, {levels}, 300, 3);
  EXPECT_NEAR(t.total(idx), e.value[0], 1e-10 * e.value[0]);
  EXPECT_NE(other.value[0], e.value[0]);
  EXPECT_LE(std::abs(other.value[0] - e.value[0]), 4 * std::hypot(other.se[0], e.se[0]));
  EXPECT_THROW(path_kl(s, data, grid, {{kMax, 1.2345, kMin}}, 300, 3), InputError);  // not a node
}

// From EDM's rho = 7 start the objective falls at every sweep, the result is within 2% of the
// closed-form optimum (uniform in ln(c^2 + sigma^2)) by the closed form, and one or two threads give
// the same schedule.
TEST(PathKl, OptimizerDescendsToTheGaussianOptimum) {
  const GaussianMixture g = test::isotropic_gaussian(kD, kC2);
  const MixtureScore s(g, edm());
  const DataFn data = mixture_data(g, {5, Stream::Data});
  const int n = 8;
  const std::vector<double> start = edm_sigmas(n, kMin, kMax);
  omp_set_num_threads(1);
  const OptimizedSchedule one = optimize_path_kl(PathKlTable(s, data, log_sigma_grid(kMin, kMax, 200), 2000, 5), start);
  omp_set_num_threads(2);
  const OptimizedSchedule two = optimize_path_kl(PathKlTable(s, data, log_sigma_grid(kMin, kMax, 200), 2000, 5), start);
  EXPECT_EQ(one.sigmas, two.sigmas);
  EXPECT_EQ(one.objective, two.objective);
  for (size_t i = 1; i < one.objective.size(); ++i) EXPECT_LE(one.objective[i], one.objective[i - 1] * (1 + 1e-12));
  std::vector<double> best(static_cast<size_t>(n));
  const double u0 = std::log(kC2 + kMax * kMax), u1 = std::log(kC2 + kMin * kMin);
  for (int i = 0; i < n; ++i) best[size_t(i)] = std::sqrt(std::exp(u0 + (u1 - u0) * i / (n - 1)) - kC2);
  const double opt = gaussian_path_kl(best, kC2, kD), got = gaussian_path_kl(one.sigmas, kC2, kD);
  std::printf("sweeps %zu: objective %.4f -> %.4f; closed form: EDM %.4f, optimized %.4f, optimum %.4f\n",
              one.objective.size() - 1, one.objective.front(), one.objective.back(), gaussian_path_kl(start, kC2, kD), got, opt);
  EXPECT_LT(got, 1.02 * opt);
  EXPECT_GT(gaussian_path_kl(start, kC2, kD), 1.2 * opt);  // EDM's start: 1.28 x the optimum
  EXPECT_THROW(optimize_path_kl(PathKlTable(s, data, log_sigma_grid(kMin, kMax, 5), 20, 5), start), InputError);
}

}  // namespace
}  // namespace td
