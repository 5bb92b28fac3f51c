// Vectorized Gaussian-mixture kernel: eight points at a time in registers (core/lanes.hpp).
// Per lane group: (1) component log-densities l_k and their maximum; (2) E_k = exp(l_k - max) and
// Q_k = |u_k|^2 - tr_k with u_k = (m_k - x)/v_k, kept in a K-vector scratch that stays in L1;
// (3) per weight set w: p ~ sum_k w_k E_k, s = sum_k w_k E_k u_k / sum, div = sum_k w_k E_k Q_k / sum
// - |s|^2. Mixtures that differ only in their weights (a target and its collapse models) share
// steps 1-2, the expensive part. Dimensions 1-4 are compile-time (coordinates in registers);
// larger d runs the same code with coordinates in a small per-thread buffer.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/lane_exp.hpp"
#include "score/mixture_kernels.hpp"

namespace td {
namespace {

// Per-component constants at the marginal, laid out for broadcasting.
struct Components {
  int K = 0, d = 0;
  std::vector<double> c;   // K: -1/2 sum_j ln(2 pi v_kj)
  std::vector<double> tr;  // K: sum_j 1/v_kj
  std::vector<double> m;   // K x d row-major: means
  std::vector<double> a;   // K x d row-major: 1/v_kj
  std::vector<double> ma;  // K x d row-major: m_kj / v_kj

  void set(const GaussianMixture& g) {
    K = g.K();
    d = g.dim();
    c.resize(K);
    tr.resize(K);
    m.resize(size_t(K) * d);
    a.resize(size_t(K) * d);
    ma.resize(size_t(K) * d);
    for (int k = 0; k < K; ++k) {
      double logdet = 0, t = 0;  // a sum of logs: a product of 2 pi v overflows beyond d ~ 400
      for (int j = 0; j < d; ++j) {
        const double v = g.vars(k, j);
        const size_t kj = size_t(k) * d + j;
        m[kj] = g.means(k, j);
        a[kj] = 1.0 / v;
        ma[kj] = m[kj] / v;
        logdet += std::log(2.0 * M_PI * v);
        t += 1.0 / v;
      }
      c[k] = -0.5 * logdet;
      tr[k] = t;
    }
  }
};

// Normalizes one weight set's sums (sum_k e_k, sum_k e_k Q_k, s = sum_k e_k u_k) and stores what
// it asks for.
inline void finish(const MixtureOutputs& o, V8* s, int d, V8 sum, V8 acc, V8 mx, int i0, int nv) {
  if (o.S || o.div) {
    const V8 inv = 1.0 / sum;
    V8 dv = acc * inv;
    for (int j = 0; j < d; ++j) {
      s[j] *= inv;
      dv -= s[j] * s[j];
    }
    if (o.S)
      for (int j = 0; j < d; ++j) store_lanes(o.S->col(j).data() + i0, s[j], nv);
    if (o.div) store_lanes(o.div->data() + i0, dv, nv);
  }
  if (o.logp) {  // rare (path ends, likelihoods): scalar log is fine
    double m8[8], s8[8];
    store8(m8, mx);
    store8(s8, sum);
    for (int l = 0; l < nv; ++l) (*o.logp)[i0 + l] = m8[l] + std::log(s8[l]);
  }
}

template <int D>
void run(const Components& cm, const Mat& X, const std::vector<MixtureOutputs>& outs) {
  const int n = int(X.rows()), d = D > 0 ? D : cm.d, K = cm.K;
  bool grad = false;
  for (const MixtureOutputs& o : outs) grad |= o.S != nullptr || o.div != nullptr;
  thread_local std::vector<V8> scratch;
  scratch.resize(2 * size_t(K) + 2 * size_t(D > 0 ? 0 : d));
  V8* L = scratch.data();  // logits, then E_k
  V8* Q = L + K;
  V8 xr[D > 0 ? D : 1], sr[D > 0 ? D : 1];
  V8* x = D > 0 ? xr : Q + K;
  V8* s = D > 0 ? sr : Q + K + d;
  for (int i0 = 0; i0 < n; i0 += 8) {
    const int nv = std::min(8, n - i0);
    for (int j = 0; j < d; ++j) {
      const double* col = X.col(j).data() + i0;
      if (nv == 8) {
        x[j] = load8(col);
      } else {  // tail: pad with the last point so every lane stays finite
        double pad[8];
        for (int l = 0; l < 8; ++l) pad[l] = col[std::min(l, nv - 1)];
        x[j] = load8(pad);
      }
    }
    // (1) component log-densities and their maximum
    V8 mx{};
    for (int k = 0; k < K; ++k) {
      const double* mk = &cm.m[size_t(k) * d];
      const double* ak = &cm.a[size_t(k) * d];
      V8 q{};
      for (int j = 0; j < d; ++j) {
        const V8 w = x[j] - mk[j];
        q += (w * ak[j]) * w;
      }
      const V8 l = cm.c[k] - 0.5 * q;
      L[k] = l;
      mx = k == 0 ? l : vmax(mx, l);
    }
    // (2) E_k and Q_k, accumulated straight into the first weight set; kept for the others.
    const bool keep = outs.size() > 1;
    const double* w0 = outs[0].weights->data();
    V8 sum{}, acc{};
    for (int j = 0; j < d; ++j) s[j] = V8{};
    for (int k = 0; k < K; ++k) {
      const V8 E = exp_nonpositive(L[k] - mx), e = w0[k] * E;
      sum += e;
      if (keep) L[k] = E;
      if (!grad) continue;
      const double* ak = &cm.a[size_t(k) * d];
      const double* mak = &cm.ma[size_t(k) * d];
      V8 sq{};
      for (int j = 0; j < d; ++j) {
        const V8 u = mak[j] - x[j] * ak[j];
        sq += u * u;
        s[j] += e * u;
      }
      const V8 q = sq - cm.tr[k];
      acc += e * q;
      if (keep) Q[k] = q;
    }
    finish(outs[0], s, d, sum, acc, mx, i0, nv);
    // (3) the other weight sets
    for (size_t o = 1; o < outs.size(); ++o) {
      const double* w = outs[o].weights->data();
      sum = acc = V8{};
      for (int j = 0; j < d; ++j) s[j] = V8{};
      for (int k = 0; k < K; ++k) {
        const V8 e = w[k] * L[k];
        sum += e;
        if (!grad) continue;
        acc += e * Q[k];
        const double* ak = &cm.a[size_t(k) * d];
        const double* mak = &cm.ma[size_t(k) * d];
        for (int j = 0; j < d; ++j) s[j] += e * (mak[j] - x[j] * ak[j]);
      }
      finish(outs[o], s, d, sum, acc, mx, i0, nv);
    }
  }
}

}  // namespace

void mixture_eval_fast(const GaussianMixture& components, const Mat& X, const std::vector<MixtureOutputs>& outs) {
  thread_local Components cm;
  cm.set(components);
  const int n = int(X.rows());
  if (X.cols() != cm.d) throw InputError("mixture kernel: points have the wrong dimension");
  for (const MixtureOutputs& o : outs) {
    if (o.weights == nullptr || o.weights->size() != cm.K)
      throw InputError("mixture kernel: a weight set does not have one weight per component");
    if (o.S) o.S->resize(n, cm.d);
    if (o.div) o.div->resize(n);
    if (o.logp) o.logp->resize(n);
  }
  switch (cm.d) {
    case 1: return run<1>(cm, X, outs);
    case 2: return run<2>(cm, X, outs);
    case 3: return run<3>(cm, X, outs);
    case 4: return run<4>(cm, X, outs);
    default: return run<0>(cm, X, outs);
  }
}

void mixture_eval_fast(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp) {
  thread_local std::vector<MixtureOutputs> one(1);
  one[0] = {&marg.weights, S, div, logp};
  mixture_eval_fast(marg, X, one);
}

}  // namespace td
