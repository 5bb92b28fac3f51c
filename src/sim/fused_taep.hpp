#pragma once
// One whole TAEP trajectory (docs §2) for exact Gaussian-mixture scores, fused: the initial draw from
// p_{t_min}, every exact forward step, the target's and each model's score and divergence, and the
// Ito sums of Sigma, of its twin on the grid of twice the step (dt_error), and the exact reference
// ln(p/q)(x_tmin) - ln(p/q)(x_T). Written once for the host and the device: platforms launch it one
// trajectory per thread (platform/), and tests/sim compare it with run_taep per trajectory.
// The same identities as the block path: x_{t_min} by sample_mixture (uniform component 0 at
// init_step, normals at init_step + 1), step n's normals components 0..2d-1 of (noise key, id, n).
#include <cstddef>
#include <cstdint>

#include "core/host_device.hpp"
#include "core/philox_draw.hpp"
#include "score/mixture_point.hpp"

namespace td {

// Step n: the marginal kernel at t_n (where the scores are evaluated) and the exact transition
// t_n -> t_{n+1}: x' = a x + b1 z1 + b2 z2, int g dW = sw z1, w = int g^2 (process.step_noise).
struct FusedStep {
  double alpha, sigma2;
  double a, w, sw, b1, b2;
};

struct FusedTaepProblem {
  int d = 0, steps = 0, models = 0;
  bool driftless = false;  // x' = x + sw z: d normals per step instead of 2d
  const FusedStep* step = nullptr;
  MixtureArrays target;                  // p_0 of the data (alpha, sigma2 ignored: set per step)
  const MixtureArrays* model = nullptr;  // p_0 of each model
  double alpha0 = 1, sigma2_0 = 0;       // the kernel at t_min (initial draw, exact reference)
  double alpha_T = 1, sigma2_T = 0;      // the kernel at T (exact reference)
  bool exact = true;                     // compute the exact reference
  uint64_t seed = 0;
  uint32_t init_stream = 0, init_substream = 0, noise_stream = 0, noise_substream = 0;
  uint64_t init_step = 0;
  int max_K = 0;  // the largest K among target and models (scratch size)
};

// Per trajectory and model m, at [m n + i] for the trajectory's slot i of n.
struct FusedTaepOut {
  double *kernel, *noise, *coarse, *exact;  // exact may be null
};

// Doubles of scratch one trajectory needs.
TD_HD int fused_taep_scratch(const FusedTaepProblem& p) { return p.max_K + (5 + p.models) * p.d + 4 * p.models; }

namespace fused_detail {
// The component of `g` chosen by the uniform u, then x_j = mean + sqrt(var) z_j (sample_mixture).
TD_HD void draw_initial(const FusedTaepProblem& p, uint64_t id, double* x) {
  const MixtureArrays g = p.target.at(p.alpha0, p.sigma2_0);
  double c = 0;
  for (int k = 0; k < g.K; ++k) c += g.weights[k];
  const double u = uniform_component(p.seed, p.init_stream, p.init_substream, id, p.init_step, 0) * c;
  int k = 0;
  double cdf = g.weights[0];
  while (k < g.K - 1 && u >= cdf) cdf += g.weights[++k];
  for (int j = 0; j < p.d; ++j)
    x[j] = g.mean(k, j) + sqrt(g.var(k, j)) * normal_component(p.seed, p.init_stream, p.init_substream, id, p.init_step + 1, j);
}
// e[m n] = ln p(x) - ln q_m(x) under the kernel (alpha, sigma2), or subtract it (`subtract`).
TD_HD void log_ratio(const FusedTaepProblem& p, const double* x, double alpha, double sigma2, double* r, double* e,
                     int n, bool subtract) {
  for (int m = 0; m < p.models; ++m) {
    const double lp = mixture_point(p.target.at(alpha, sigma2), x, 1, r, nullptr, 1, nullptr);
    const double v = lp - mixture_point(p.model[m].at(alpha, sigma2), x, 1, r, nullptr, 1, nullptr);
    if (subtract)
      e[size_t(m) * n] -= v;
    else
      e[size_t(m) * n] = v;
  }
}
}  // namespace fused_detail

// The trajectory `id`, written to slot i of n. The arithmetic follows observe/taep.cpp's observer
// term by term (same order of additions), so the two agree to the last bits of the libm calls.
TD_HD void fused_taep_trajectory(const FusedTaepProblem& p, uint64_t id, int i, int n, double* scratch,
                                 FusedTaepOut out) {
  using namespace fused_detail;
  const int d = p.d, M = p.models;
  double* r = scratch;                // max_K: responsibilities
  double* x = r + p.max_K;            // d
  double* st = x + d;                 // d: target score
  double* sm = st + d;                // d: model score
  double* z = sm + d;                 // 2d: the step's normals (z1, z2)
  double* pds = z + 2 * d;            // M x d: Delta s at the pair's first node
  double* ker = pds + size_t(M) * d;  // M each: kernel, noise, coarse sums, pair J
  double* noi = ker + M;
  double* crs = noi + M;
  double* pairJ = crs + M;
  for (int m = 0; m < M; ++m) ker[m] = noi[m] = crs[m] = pairJ[m] = 0;
  double* e = out.exact ? out.exact + i : nullptr;  // model m at e[m n]
  draw_initial(p, id, x);
  if (e) log_ratio(p, x, p.alpha0, p.sigma2_0, r, e, n, false);
  for (int s = 0; s < p.steps; ++s) {
    const FusedStep& fs = p.step[s];
    for (int j = 0; j < (p.driftless ? d : 2 * d); ++j)
      z[j] = normal_component(p.seed, p.noise_stream, p.noise_substream, id, uint64_t(s), j);
    double dvt, dvm;
    mixture_point(p.target.at(fs.alpha, fs.sigma2), x, 1, r, st, 1, &dvt);
    const bool pair_start = s % 2 == 0;  // steps 2k, 2k + 1: step k of the coarse twin
    for (int m = 0; m < M; ++m) {
      mixture_point(p.model[m].at(fs.alpha, fs.sigma2), x, 1, r, sm, 1, &dvm);
      double J = dvm - dvt;  // J = div s_m - div s* + (|s_m|^2 - |s*|^2) / 2
      double* pd = pds + size_t(m) * d;
      for (int j = 0; j < d; ++j) {
        const double ds = sm[j] - st[j], dw = fs.sw * z[j];
        if (pair_start) pd[j] = ds;
        J += 0.5 * ds * (sm[j] + st[j]);
        noi[m] += ds * dw;
        crs[m] += pd[j] * dw;
      }
      if (pair_start) pairJ[m] = J;
      ker[m] += fs.w * J;
      crs[m] += fs.w * pairJ[m];
    }
    for (int j = 0; j < d; ++j)  // the exact transition x_n -> x_{n+1} on the same normals
      x[j] = p.driftless ? x[j] + fs.sw * z[j] : fs.a * x[j] + fs.b1 * z[j] + fs.b2 * z[d + j];
  }
  if (e) log_ratio(p, x, p.alpha_T, p.sigma2_T, r, e, n, true);
  for (int m = 0; m < M; ++m) {
    out.kernel[size_t(m) * n + i] = ker[m];
    out.noise[size_t(m) * n + i] = noi[m];
    out.coarse[size_t(m) * n + i] = crs[m];
  }
}

}  // namespace td
