#pragma once
// The integrators of the engine, one implementation each, with their orders as data
// (docs/processes.md#integrators). A convergence harness (tests/sim/test_integrators.cpp) fits every
// integrator's order over step halvings on the same noise and checks it against what is declared.
//
// Batches are n x d (a point per row); ODE right-hand sides take a time per row (t.size() == n) or
// one time for all rows (t.size() == 1), so adaptive solvers can give every sample its own clock.
#include <cmath>
#include <functional>
#include <vector>

#include "core/types.hpp"
#include "process/process.hpp"

namespace td {

struct IntegratorOrder {
  const char* name;
  double strong;  // pathwise (mean-square) order; for an ODE method its global order
  double weak;    // order of the error in expectations
};
// dx = f dt + g dW, x_{n+1} = x_n + f dt + g sqrt(dt) z: strong 1/2 in general (1 for additive noise,
// as in every forward process here), weak 1.
constexpr IntegratorOrder kEulerMaruyama{"euler-maruyama", 0.5, 1.0};
// The exact Gaussian transition of a linear forward process: exact in law at any step (order infinite).
constexpr IntegratorOrder kExactTransition{"exact-transition", INFINITY, INFINITY};
constexpr IntegratorOrder kHeun{"heun", 2.0, 2.0};
constexpr IntegratorOrder kRk4{"rk4", 4.0, 4.0};
// Dormand-Prince 5(4): order 5, the embedded error estimate of order 4 (step control).
constexpr IntegratorOrder kDopri5{"dopri5", 5.0, 5.0};
const std::vector<IntegratorOrder>& integrators();

// dY/dt = f(Y, t), t per row or one for all rows.
using BatchRhs = std::function<void(const Mat& Y, const Vec& t, Mat& K)>;

// One step of size h from (Y, t): Yn. Heun (explicit trapezoid) and classical RK4.
void heun_step(const BatchRhs& f, const Mat& Y, double t, double h, Mat& Yn);
// `t_end` is the step's end time (t + h, or the grid point the caller lands on exactly).
void rk4_step(const BatchRhs& f, const Mat& Y, const Vec& t, double h, const Vec& t_end, Mat& Yn);
// Dormand-Prince 5(4) with a step per row h (n entries): K0 = f(Y, t) on entry (first same as last:
// on return K6 = f(Yn, t + h)), Err the embedded error estimate (h times the difference of the two
// solutions). Six evaluations.
void dopri5_step(const BatchRhs& f, const Mat& Y, const Vec& t, const Vec& h, const Mat& K0, Mat& Yn, Mat& Err, Mat& K6);

// The forward process dx = a(t) x dt + g(t) dW from t to t + dt by Euler-Maruyama with the normals
// Z. (Ensembles step by the exact transition instead: exact_forward_step in sim/ensemble.hpp.)
void em_forward_step(const Process& p, double t, double dt, const Mat& X, const Mat& Z, Mat& Xn);

}  // namespace td
