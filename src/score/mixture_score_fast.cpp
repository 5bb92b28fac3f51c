// Vectorized Gaussian-mixture kernel (compiled with -ffast-math so exp/log map to libmvec).
// Loops run over the batch (contiguous per coordinate) innermost; per-thread scratch avoids
// allocation in the ensemble's inner loop.
#include <cmath>
#include <vector>

#include "score/mixture_kernels.hpp"

namespace td {

void mixture_eval_fast(const GaussianMixture& g, const Mat& X, Mat* S, Vec* div, Vec* logp) {
  const int n = int(X.rows()), d = g.dim(), K = g.K();
  thread_local std::vector<double> buf;
  buf.resize(size_t(K + 3) * n);
  double* L = buf.data();            // K x n logits, then responsibilities
  double* mx = L + size_t(K) * n;    // per-point max logit
  double* sum = mx + n;              // per-point normalizer
  double* sq = sum + n;              // per-point |s_k|^2

  // Per-component constants: inverse variances and log-normalizers.
  thread_local std::vector<double> iv, cst, trv;
  iv.resize(size_t(K) * d);
  cst.resize(K);
  trv.resize(K);
  for (int k = 0; k < K; ++k) {
    double c = std::log(g.weights[k]), tr = 0;
    for (int j = 0; j < d; ++j) {
      iv[size_t(k) * d + j] = 1.0 / g.vars(k, j);
      c -= 0.5 * std::log(2.0 * M_PI * g.vars(k, j));
      tr += iv[size_t(k) * d + j];
    }
    cst[k] = c;
    trv[k] = tr;
  }

  // Logits, with the running maximum folded into the last coordinate's pass.
  for (int k = 0; k < K; ++k) {
    double* l = L + size_t(k) * n;
    const double c = cst[k];
    for (int j = 0; j < d; ++j) {
      const double m = g.means(k, j), h = 0.5 * iv[size_t(k) * d + j];
      const double* x = X.col(j).data();
      const bool first = j == 0, last = j == d - 1;
      if (first && last) {
#pragma omp simd
        for (int i = 0; i < n; ++i) {
          const double u = x[i] - m, v = c - h * u * u;
          l[i] = v;
          mx[i] = (k == 0 || v > mx[i]) ? v : mx[i];
        }
      } else if (first) {
#pragma omp simd
        for (int i = 0; i < n; ++i) {
          const double u = x[i] - m;
          l[i] = c - h * u * u;
        }
      } else if (last) {
#pragma omp simd
        for (int i = 0; i < n; ++i) {
          const double u = x[i] - m, v = l[i] - h * u * u;
          l[i] = v;
          mx[i] = (k == 0 || v > mx[i]) ? v : mx[i];
        }
      } else {
#pragma omp simd
        for (int i = 0; i < n; ++i) {
          const double u = x[i] - m;
          l[i] -= h * u * u;
        }
      }
    }
  }
  // Unnormalized weights e_k = exp(l_k - max) and their sum S.
#pragma omp simd
  for (int i = 0; i < n; ++i) sum[i] = 0.0;
  for (int k = 0; k < K; ++k) {
    double* l = L + size_t(k) * n;
#pragma omp simd
    for (int i = 0; i < n; ++i) {
      l[i] = std::exp(l[i] - mx[i]);
      sum[i] += l[i];
    }
  }
  if (logp) {
    logp->resize(n);
    double* lp = logp->data();
#pragma omp simd
    for (int i = 0; i < n; ++i) lp[i] = mx[i] + std::log(sum[i]);
  }
  if (!S && !div) return;

  // s = sum_k e_k u_k / S and div = sum_k e_k (|u_k|^2 - tr_k) / S - |s|^2, normalized once at the end.
  Mat Sloc;
  Mat& Sout = S ? *S : Sloc;
  Sout.setZero(n, d);
  if (div) div->setZero(n);
  double* dv = div ? div->data() : nullptr;
  for (int k = 0; k < K; ++k) {
    const double* e = L + size_t(k) * n;
#pragma omp simd
    for (int i = 0; i < n; ++i) sq[i] = 0.0;
    for (int j = 0; j < d; ++j) {
      const double m = g.means(k, j), a = iv[size_t(k) * d + j];
      const double* x = X.col(j).data();
      double* s = Sout.col(j).data();
#pragma omp simd
      for (int i = 0; i < n; ++i) {
        const double u = (m - x[i]) * a;
        s[i] += e[i] * u;
        sq[i] += u * u;
      }
    }
    if (dv) {
      const double tr = trv[k];
#pragma omp simd
      for (int i = 0; i < n; ++i) dv[i] += e[i] * (sq[i] - tr);
    }
  }
#pragma omp simd
  for (int i = 0; i < n; ++i) sum[i] = 1.0 / sum[i];
  for (int j = 0; j < d; ++j) {
    double* s = Sout.col(j).data();
#pragma omp simd
    for (int i = 0; i < n; ++i) s[i] *= sum[i];
  }
  if (dv) {
#pragma omp simd
    for (int i = 0; i < n; ++i) dv[i] *= sum[i];
    for (int j = 0; j < d; ++j) {
      const double* s = Sout.col(j).data();
#pragma omp simd
      for (int i = 0; i < n; ++i) dv[i] -= s[i] * s[i];
    }
  }
}

}  // namespace td
