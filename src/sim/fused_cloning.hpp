#pragma once
// One sample of Biroli et al.'s cloning experiment (docs §5.5), fused: the prior draw, the reverse
// SDE from T to t_min (Euler-Maruyama or Heun) with the data's exact mixture score, a clone from each
// branch step finished with its own noise, and the class of every end state (its most probable data
// component at t_min). Written once for the host and the device; observe/speciation.cpp's block path
// is what it equals (tests/sim/test_fused_cloning.cpp).
// A sample's vectors are strided (element j at [j * stride]) so that on a GPU, with one thread per
// sample and stride = the number of threads, neighbouring threads touch neighbouring memory.
#include <cstdint>

#include "core/host_device.hpp"
#include "core/philox_draw.hpp"
#include "score/mixture_point.hpp"

namespace td {

// Reverse step s: from t1 = t_{s+1} down to t0 = t_s (sim/integrators.cpp's reverse_step).
struct ReverseCoef {
  double h;                   // t1 - t0
  double a1, g2_1, em_noise;  // drift coefficient and g^2 at t1; sqrt(g^2(t1)) sqrt(h)
  double sw;                  // sqrt(int g^2 over the step) (Heun's noise)
  double a0, g2_0;            // at t0 (Heun's corrector)
  double alpha1, sigma2_1, alpha0, sigma2_0;  // the marginal kernels at t1 and t0 (the scores)
};

struct FusedCloningProblem {
  int d = 0, steps = 0, branches = 0, K = 0;
  bool heun = false;
  const ReverseCoef* step = nullptr;  // steps entries
  const int* branch_step = nullptr;   // descending: the clone of branch b starts at node branch_step[b]
  MixtureArrays data;                 // p_0 (its kernel set per use)
  double prior_sd = 1;
  double end_alpha = 1, end_sigma2 = 0;  // the kernel at t_min, for the classes
  uint64_t seed = 0;
  uint32_t prior_stream = 0, main_stream = 0, clone_stream = 0;
  uint64_t clone_stride = 0;  // clone b's noise at step u is (clone key, b * clone_stride + u)
  // The coupled coarse grid of the dt error (sim/noise.hpp CoarsenedNoise): step s combines the fine
  // normals of steps 2s and 2s + 1 as ca[s] z_2s + cb[s] z_2s+1 (cb[s] = 0: z_2s alone). Null: fine.
  const double* ca = nullptr;
  const double* cb = nullptr;
};

// Doubles of scratch per sample: state, clone, four vectors for a step (strided by `stride`) and K.
TD_HD int fused_cloning_vectors() { return 6; }

namespace cloning_detail {

TD_HD double step_normal(const FusedCloningProblem& p, uint32_t stream, uint64_t id, uint64_t base, int s, int j) {
  if (!p.ca) return normal_component(p.seed, stream, 0, id, base + uint64_t(s), j);
  const double za = normal_component(p.seed, stream, 0, id, base + 2 * uint64_t(s), j);
  if (p.cb[s] == 0) return za;
  return p.ca[s] * za + p.cb[s] * normal_component(p.seed, stream, 0, id, base + 2 * uint64_t(s) + 1, j);
}

// x <- one reverse step s with noise (stream, base); w: four scratch vectors (s, K1, N, x_p).
TD_HD void reverse_step(const FusedCloningProblem& p, int s, uint32_t stream, uint64_t id, uint64_t base, double* x,
                        double* w, int stride, double* r) {
  const ReverseCoef& c = p.step[s];
  const int d = p.d;
  double *sc = w, *k1 = w + size_t(d) * stride, *nn = k1 + size_t(d) * stride, *xp = nn + size_t(d) * stride;
  mixture_point(p.data.at(c.alpha1, c.sigma2_1), x, stride, r, sc, stride, nullptr);
  if (!p.heun) {
    for (int j = 0; j < d; ++j) {
      const size_t o = size_t(j) * stride;
      x[o] = x[o] - (c.a1 * c.h) * x[o] + (c.g2_1 * c.h) * sc[o] + c.em_noise * step_normal(p, stream, id, base, s, j);
    }
    return;
  }
  for (int j = 0; j < d; ++j) {  // the predictor
    const size_t o = size_t(j) * stride;
    k1[o] = c.g2_1 * sc[o] - c.a1 * x[o];
    nn[o] = c.sw * step_normal(p, stream, id, base, s, j);
    xp[o] = x[o] + c.h * k1[o] + nn[o];
  }
  mixture_point(p.data.at(c.alpha0, c.sigma2_0), xp, stride, r, sc, stride, nullptr);
  for (int j = 0; j < d; ++j) {  // the corrector, with the same noise
    const size_t o = size_t(j) * stride;
    k1[o] += c.g2_0 * sc[o] - c.a0 * xp[o];
    x[o] = x[o] + (0.5 * c.h) * k1[o] + nn[o];
  }
}

// The most probable data component at t_min (mixture_posterior.cpp's posterior_weights, then the
// first largest weight).
TD_HD int end_class(const FusedCloningProblem& p, const double* x, int stride, double* r) {
  const MixtureArrays& g = p.data;
  double mx = -INFINITY;
  for (int k = 0; k < g.K; ++k) {
    double base = log(g.weights[k]), acc = 0;
    for (int j = 0; j < p.d; ++j) {
      const double V = p.end_alpha * p.end_alpha * g.vars[k + j * g.K] + p.end_sigma2;
      base -= 0.5 * log(2 * 3.14159265358979323846 * V);
      const double diff = x[size_t(j) * stride] - p.end_alpha * g.means[k + j * g.K];
      acc += diff * diff * (0.5 / V);
    }
    r[k] = base - acc;
    mx = r[k] > mx ? r[k] : mx;
  }
  double sum = 0;
  for (int k = 0; k < g.K; ++k) sum += (r[k] = exp(r[k] - mx));
  int best = 0;
  for (int k = 0; k < g.K; ++k)
    if ((r[k] /= sum) > r[best]) best = k;
  return best;
}

}  // namespace cloning_detail

// Sample `id` in slot i: same[b * n + i] = 1 when its main path and its clone from branch b end in
// the same class. vec: fused_cloning_vectors() vectors of d doubles, strided; r: K doubles; cls:
// `branches` ints of scratch.
TD_HD void fused_cloning_sample(const FusedCloningProblem& p, uint64_t id, int i, int n, double* vec, int stride,
                                double* r, int* cls, unsigned char* same) {
  using namespace cloning_detail;
  const int d = p.d;
  double *x = vec, *c = vec + size_t(d) * stride, *w = c + size_t(d) * stride;
  for (int j = 0; j < d; ++j) x[size_t(j) * stride] = normal_component(p.seed, p.prior_stream, 0, id, 0, j) * p.prior_sd;
  auto clone = [&](int b, int s) {
    for (int j = 0; j < d; ++j) c[size_t(j) * stride] = x[size_t(j) * stride];
    for (int u = s - 1; u >= 0; --u) reverse_step(p, u, p.clone_stream, id, uint64_t(b) * p.clone_stride, c, w, stride, r);
    cls[b] = end_class(p, c, stride, r);
  };
  int next = 0;
  while (next < p.branches && p.branch_step[next] == p.steps) clone(next, p.steps), ++next;
  for (int s = p.steps - 1; s >= 0; --s) {
    reverse_step(p, s, p.main_stream, id, 0, x, w, stride, r);
    while (next < p.branches && p.branch_step[next] == s) clone(next, s), ++next;
  }
  const int main_class = end_class(p, x, stride, r);
  for (int b = 0; b < p.branches; ++b) same[size_t(b) * n + i] = main_class == cls[b];
}

}  // namespace td
