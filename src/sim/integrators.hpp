#pragma once
// The integrators of the engine, one implementation each, with their orders as data
// (docs/processes.md#integrators). A convergence harness (tests/sim/test_integrators.cpp) fits every
// integrator's order over step halvings on the same noise and checks it against what is declared.
//
// Batches are n x d (a point per row); ODE right-hand sides take a time per row (t.size() == n) or
// one time for all rows (t.size() == 1), so adaptive solvers can give every sample its own clock.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "process/process.hpp"

namespace td {

// An integrator's declared orders, what it steps and where the engine uses it. The harness
// (tests/sim/test_integrators.cpp) measures every entry of integrators(): the strong order where one
// is declared, else the weak order (for an ODE method both are its global order).
struct IntegratorOrder {
  const char* name;
  double strong;  // pathwise (mean-square) order; NaN: not declared (only the law of the paths is used)
  double weak;    // order of the error in expectations
  const char* used_for;
};
// dx = f dt + g dW, x_{n+1} = x_n + f dt + g sqrt(dt) z: strong 1/2 in general (1 for additive noise,
// as in every forward process here), weak 1.
constexpr IntegratorOrder kEulerMaruyama{"euler-maruyama", 0.5, 1.0, "the forward SDE (a reference; ensembles step exactly)"};
// The exact Gaussian transition of a linear forward process: exact in law at any step (order infinite).
constexpr IntegratorOrder kExactTransition{"exact-transition", INFINITY, INFINITY, "every forward path and exact reference"};
// The reverse SDE by reverse_step below (ReverseScheme).
constexpr IntegratorOrder kReverseEulerMaruyama{"reverse-euler-maruyama", NAN, 1.0, "the reverse SDE, scheme = euler-maruyama"};
constexpr IntegratorOrder kReverseHeun{"reverse-heun", NAN, 2.0, "the reverse SDE, scheme = heun (the default)"};
// The same two schemes in the fused cloning sample (sim/fused_cloning.hpp), written for host and device.
constexpr IntegratorOrder kFusedCloningEulerMaruyama{"fused-cloning-euler-maruyama", NAN, 1.0, "cloning (CPU lanes and CUDA)"};
constexpr IntegratorOrder kFusedCloningHeun{"fused-cloning-heun", NAN, 2.0, "cloning (CPU lanes and CUDA)"};
// EDM's stochastic sampler (Karras et al. 2022, Algorithm 2) by edm_level_step (sim/edm_samplers.hpp): churn noise,
// then Heun's step. The churn is the forward process's exact transition from sigma to sigma^ (in law,
// at S_noise = 1; S_noise != 1 moves the limit, not the order), so the only step error is Heun's on
// the ODE: weak order 2 (measured 2.0).
constexpr IntegratorOrder kEdmChurn{"edm-churn", NAN, 2.0, "EDM's stochastic sampler (Algorithm 2; sim/edm_samplers.hpp)"};
// Euler on the PF-ODE in EDM units (DDIM's deterministic update): order 1.
constexpr IntegratorOrder kEdmEuler{"edm-euler", 1.0, 1.0, "DDIM / Euler on noise levels (sim/edm_samplers.hpp)"};
constexpr IntegratorOrder kHeun{"heun", 2.0, 2.0, "EDM's deterministic sampler (Algorithm 1)"};
constexpr IntegratorOrder kRk4{"rk4", 4.0, 4.0, "the PF-ODE sampler, fixed-step likelihoods"};
// Dormand-Prince 5(4): order 5, the embedded error estimate of order 4 (step control).
constexpr IntegratorOrder kDopri5{"dopri5", 5.0, 5.0, "adaptive likelihoods (a step per sample)"};
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

class Score;
// How the reverse SDE dx = [-a x + g^2 s] d(-t) + g dW is stepped from t1 down to t0
// (docs/discretization.md#reverse):
//  - EulerMaruyama: Xn = X + h b(X, t1) + g(t1) sqrt(h) Z, b = -a x + g^2 s; weak order 1.
//  - Heun: the predictor Xp = X + h b(X, t1) + N, then Xn = X + h [b(X, t1) + b(Xp, t0)]/2 + N with
//    the same N = sqrt(int g^2) Z: the explicit weak order-2 scheme for additive noise (two score
//    evaluations per step).
enum class ReverseScheme { EulerMaruyama, Heun };
ReverseScheme parse_reverse_scheme(const std::string& name);  // throws InputError
std::string reverse_scheme_name(ReverseScheme s);
const IntegratorOrder& reverse_scheme_order(ReverseScheme s);
// One step with the normals Z; S = s(X, t1) on return (the score the step started from).
void reverse_step(ReverseScheme scheme, const Process& process, const Score& score, double t1, double t0, const Mat& X,
                  const Mat& Z, Mat& S, Mat& Xn);

}  // namespace td
