#pragma once
// ODE solves over a batch whose rows each carry their own clock: fixed-step RK4 and adaptive
// Dormand-Prince 5(4) with per-row step control (docs/processes.md#integrators). The steps
// themselves are sim/integrators'; here are the drivers (step-size selection, budgets, counters).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/types.hpp"

namespace td {

// dY/dt = f(Y, t) on rows `rows` of the batch (indices into it, ascending): an adaptive solve
// evaluates only the rows still running, and per-row data (e.g. divergence probes) follows them.
using RowsRhs = std::function<void(const Mat& Y, const Vec& t, const std::vector<int>& rows, Mat& K)>;

struct OdeSolveStats {
  Vec t;                         // the time each row reached (the end unless given up)
  std::vector<int64_t> nfe;      // right-hand-side evaluations per row
  std::vector<int64_t> steps;    // accepted steps per row
  std::vector<char> incomplete;  // 1: the row hit its step budget or h_min
};

// `steps` uniform RK4 steps from t0 to t1 (the last lands on t1 exactly); Y is overwritten.
OdeSolveStats solve_rk4(const RowsRhs& f, Mat& Y, double t0, double t1, int steps);

struct AdaptiveOdeOptions {
  double rtol = 1e-5, atol = 1e-5;
  double h_min = 1e-10;        // a row whose step falls below this is given up
  int64_t max_steps = 100000;  // accepted + rejected steps per row
};
// Dormand-Prince 5(4) from t0 to t1, every row with its own step (initial step by Hairer, Norsett &
// Wanner II.4, as scipy's select_initial_step; error in the RMS norm scaled by atol + rtol |y|).
OdeSolveStats solve_dopri5(const RowsRhs& f, Mat& Y, double t0, double t1, const AdaptiveOdeOptions& o);

}  // namespace td
