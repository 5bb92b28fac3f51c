// Plain per-point implementation of docs §1 in strict double: the correctness oracle.
#include <cmath>
#include <vector>

#include "score/mixture_kernels.hpp"

namespace td {
namespace {

// log w_k - sum_j (x_j - m_kj)^2 / (2 v_kj) - 1/2 sum_j ln(2 pi v_kj)
double component_logit(const GaussianMixture& g, int k, const double* x, int stride) {
  double l = std::log(g.weights[k]);
  for (int j = 0; j < g.dim(); ++j) {
    const double v = g.vars(k, j), diff = x[j * stride] - g.means(k, j);
    l -= 0.5 * diff * diff / v + 0.5 * std::log(2.0 * M_PI * v);
  }
  return l;
}

// Responsibilities of point i and log p at it.
double point_responsibilities(const GaussianMixture& g, const Mat& X, int i, std::vector<double>& r) {
  const int K = g.K();
  r.resize(K);
  double mx = -INFINITY;
  for (int k = 0; k < K; ++k) {
    r[k] = component_logit(g, k, X.data() + i, int(X.rows()));
    mx = std::max(mx, r[k]);
  }
  double sum = 0;
  for (int k = 0; k < K; ++k) sum += (r[k] = std::exp(r[k] - mx));
  for (int k = 0; k < K; ++k) r[k] /= sum;
  return mx + std::log(sum);
}

}  // namespace

void mixture_eval_reference(const GaussianMixture& g, const Mat& X, Mat* S, Vec* div, Vec* logp) {
  const int n = int(X.rows()), d = g.dim(), K = g.K();
  if (S) S->setZero(n, d);
  if (div) div->setZero(n);
  if (logp) logp->resize(n);
  std::vector<double> r;
  Vec s(d), sk(d);
  for (int i = 0; i < n; ++i) {
    const double lp = point_responsibilities(g, X, i, r);
    if (logp) (*logp)[i] = lp;
    s.setZero();
    double acc = 0;  // sum_k r_k (|s_k|^2 - sum_j 1/v_kj)
    for (int k = 0; k < K; ++k) {
      double sq = 0, tr = 0;
      for (int j = 0; j < d; ++j) {
        sk[j] = (g.means(k, j) - X(i, j)) / g.vars(k, j);
        sq += sk[j] * sk[j];
        tr += 1.0 / g.vars(k, j);
      }
      s += r[k] * sk;
      acc += r[k] * (sq - tr);
    }
    if (S) S->row(i) = s.transpose();
    if (div) (*div)[i] = acc - s.squaredNorm();
  }
}

void mixture_responsibilities(const GaussianMixture& g, const Mat& X, Mat& R) {
  R.resize(X.rows(), g.K());
  std::vector<double> r;
  for (int i = 0; i < X.rows(); ++i) {
    point_responsibilities(g, X, i, r);
    for (int k = 0; k < g.K(); ++k) R(i, k) = r[k];
  }
}

void mixture_jacobian(const GaussianMixture& g, const RowVec& x, Mat& J) {
  const int d = g.dim(), K = g.K();
  Mat X = x;
  std::vector<double> r;
  point_responsibilities(g, X, 0, r);
  J.setZero(d, d);
  Vec s = Vec::Zero(d), sk(d);
  for (int k = 0; k < K; ++k) {
    for (int j = 0; j < d; ++j) sk[j] = (g.means(k, j) - x[j]) / g.vars(k, j);
    s += r[k] * sk;
    J += r[k] * (sk * sk.transpose());
    for (int j = 0; j < d; ++j) J(j, j) -= r[k] / g.vars(k, j);
  }
  J -= s * s.transpose();
}

}  // namespace td
