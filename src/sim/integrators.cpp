#include "sim/integrators.hpp"

#include "core/error.hpp"
#include "score/score.hpp"

namespace td {

const std::vector<IntegratorOrder>& integrators() {
  static const std::vector<IntegratorOrder> all = {kEulerMaruyama,          kExactTransition,           kReverseEulerMaruyama,
                                                   kReverseHeun,            kFusedCloningEulerMaruyama, kFusedCloningHeun,
                                                   kEdmChurn,               kEdmEuler,                  kHeun,                      kRk4,
                                                   kDopri5};
  return all;
}

void heun_step(const BatchRhs& f, const Mat& Y, double t, double h, Mat& Yn) {
  Mat K1, K2;
  f(Y, Vec::Constant(1, t), K1);
  f(Y + h * K1, Vec::Constant(1, t + h), K2);
  Yn = Y + (0.5 * h) * (K1 + K2);
}

void rk4_step(const BatchRhs& f, const Mat& Y, const Vec& t, double h, const Vec& t_end, Mat& Yn) {
  Mat K1, K2, K3, K4;
  const Vec tm = t.array() + 0.5 * h;
  f(Y, t, K1);
  f(Y + (0.5 * h) * K1, tm, K2);
  f(Y + (0.5 * h) * K2, tm, K3);
  f(Y + h * K3, t_end, K4);
  Yn = Y + (h / 6.0) * (K1 + 2.0 * K2 + 2.0 * K3 + K4);
}

namespace {
// Dormand-Prince 5(4) tableau (as scipy's RK45).
constexpr double kC[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
constexpr double kA[7][6] = {{},
                             {1.0 / 5},
                             {3.0 / 40, 9.0 / 40},
                             {44.0 / 45, -56.0 / 15, 32.0 / 9},
                             {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                             {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                             {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
constexpr double kE[7] = {-71.0 / 57600, 0, 71.0 / 16695, -71.0 / 1920, 17253.0 / 339200, -22.0 / 525, 1.0 / 40};
}  // namespace

void dopri5_step(const BatchRhs& f, const Mat& Y, const Vec& t, const Vec& h, const Mat& K0, Mat& Yn, Mat& Err, Mat& K6) {
  Mat K[7], Ys;
  K[0] = K0;
  for (int s = 1; s < 7; ++s) {
    Ys = Y;
    for (int l = 0; l < s; ++l)
      if (kA[s][l] != 0) Ys += (h.array() * kA[s][l]).matrix().asDiagonal() * K[l];
    const Vec ts = t + kC[s] * h;
    if (s == 6) Yn = Ys;  // the last stage is at the new point (first same as last)
    f(Ys, ts, K[s]);
  }
  Err = Mat::Zero(Y.rows(), Y.cols());
  for (int l = 0; l < 7; ++l)
    if (kE[l] != 0) Err += kE[l] * K[l];
  Err = h.asDiagonal() * Err;
  K6.swap(K[6]);
}

void em_forward_step(const Process& p, double t, double dt, const Mat& X, const Mat& Z, Mat& Xn) {
  const double a = 1.0 + p.drift_coef(t) * dt, b = p.g(t) * std::sqrt(dt);
  Xn = a * X + b * Z;
}

ReverseScheme parse_reverse_scheme(const std::string& n) {
  if (n == "euler-maruyama") return ReverseScheme::EulerMaruyama;
  if (n == "heun") return ReverseScheme::Heun;
  throw InputError("unknown reverse scheme '" + n + "' (expected heun or euler-maruyama)");
}

std::string reverse_scheme_name(ReverseScheme s) { return s == ReverseScheme::Heun ? "heun" : "euler-maruyama"; }

const IntegratorOrder& reverse_scheme_order(ReverseScheme s) { return s == ReverseScheme::Heun ? kReverseHeun : kReverseEulerMaruyama; }

void reverse_step(ReverseScheme scheme, const Process& process, const Score& score, double t1, double t0, const Mat& X,
                  const Mat& Z, Mat& S, Mat& Xn) {
  const double h = t1 - t0;
  score.score(X, t1, S);
  const double a = process.drift_coef(t1), g2 = process.g2(t1);
  if (scheme == ReverseScheme::EulerMaruyama) {
    Xn = X - (a * h) * X + (g2 * h) * S + (std::sqrt(g2) * std::sqrt(h)) * Z;
    return;
  }
  thread_local Mat K1, N, S0;
  K1 = g2 * S - a * X;
  N = std::sqrt(process.step_noise(t0, t1).w) * Z;
  Xn = X + h * K1 + N;  // predictor
  score.score(Xn, t0, S0);
  K1 += process.g2(t0) * S0 - process.drift_coef(t0) * Xn;
  Xn = X + (0.5 * h) * K1 + N;
}

}  // namespace td
