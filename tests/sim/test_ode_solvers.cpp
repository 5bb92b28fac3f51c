// The ODE drivers: every row reaches its end with the accuracy asked for, each on its own clock,
// and a row out of budget is flagged, not silently cut short.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/ode_solvers.hpp"

namespace td {
namespace {

// dy/dt = lambda_r y on row r (rates differ per row, so adaptive rows take different steps); the
// rhs checks that it sees the rows it was told about.
RowsRhs linear(const Vec& lambda) {
  return [lambda](const Mat& Y, const Vec& t, const std::vector<int>& rows, Mat& K) {
    ASSERT_EQ(Y.rows(), Eigen::Index(rows.size()));
    ASSERT_TRUE(t.size() == Y.rows());
    K.resize(Y.rows(), Y.cols());
    for (int j = 0; j < int(rows.size()); ++j) K.row(j) = lambda[rows[size_t(j)]] * Y.row(j);
  };
}

}  // namespace

TEST(OdeSolvers, Dopri5ReachesTheEndWithinTolerancePerRow) {
  const Vec lambda = (Vec(4) << -1.0, 0.5, -8.0, 3.0).finished();
  Mat Y = Mat::Ones(4, 2);
  const OdeSolveStats st = solve_dopri5(linear(lambda), Y, 0.0, 1.0, {1e-8, 1e-8, 1e-12, 100000});
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(st.t[r], 1.0);
    EXPECT_FALSE(st.incomplete[size_t(r)]);
    EXPECT_NEAR(Y(r, 0), std::exp(lambda[r]), 1e-6 * std::exp(lambda[r]) + 10 * 1e-8) << r;  // global error: 100 rtol, 10 atol
    EXPECT_EQ(st.nfe[size_t(r)] % 6, 2);  // two for the initial step, six per attempt
  }
  EXPECT_GT(st.steps[2], st.steps[1]);  // the stiffer row took more steps
}

TEST(OdeSolvers, Dopri5FlagsARowOutOfBudget) {
  const Vec lambda = (Vec(2) << -1.0, -1.0).finished();
  Mat Y = Mat::Ones(2, 1);
  const OdeSolveStats st = solve_dopri5(linear(lambda), Y, 0.0, 1.0, {1e-12, 1e-12, 1e-12, 3});
  EXPECT_TRUE(st.incomplete[0]);
  EXPECT_LT(st.t[0], 1.0);
}

TEST(OdeSolvers, Rk4IsFourthOrder) {
  const Vec lambda = (Vec(1) << -2.0).finished();
  double prev = 0;
  for (int steps : {8, 16, 32}) {
    Mat Y = Mat::Ones(1, 1);
    const OdeSolveStats st = solve_rk4(linear(lambda), Y, 0.0, 1.0, steps);
    EXPECT_EQ(st.t[0], 1.0);
    EXPECT_EQ(st.nfe[0], 4 * steps);
    const double err = std::abs(Y(0, 0) - std::exp(-2.0));
    if (prev > 0) {
      std::printf("rk4 error ratio at %d steps: %.2f (16 for order 4)\n", steps, prev / err);
      EXPECT_NEAR(std::log2(prev / err), 4.0, 0.2);
    }
    prev = err;
  }
}

}  // namespace td
