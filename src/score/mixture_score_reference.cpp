// Plain per-point implementation of docs §1 in strict double: the correctness oracle.
#include <cmath>
#include <vector>

#include "score/mixture_kernels.hpp"
#include "score/mixture_point.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {
namespace {
MixtureArrays arrays(const GaussianMixture& g) {
  return {g.K(), g.dim(), g.weights.data(), g.means.data(), g.vars.data()};
}
}  // namespace

// The arithmetic is score/mixture_point.hpp's, shared with the CUDA platform.
void mixture_eval_reference(const GaussianMixture& g, const Mat& X, Mat* S, Vec* div, Vec* logp) {
  const int n = int(X.rows()), d = g.dim();
  const MixtureArrays a = arrays(g);
  if (S) S->resize(n, d);
  if (div) div->resize(n);
  if (logp) logp->resize(n);
  std::vector<double> r(static_cast<size_t>(g.K()));
  Vec s(d);
  for (int i = 0; i < n; ++i) {
    // The score goes straight into S's row (stride n), or into s when only the divergence is wanted.
    double* si = S ? S->data() + i : (div ? s.data() : nullptr);
    const double lp = mixture_point(a, X.data() + i, n, r.data(), si, S ? n : 1, div ? div->data() + i : nullptr);
    if (logp) (*logp)[i] = lp;
  }
}

void mixture_responsibilities(const GaussianMixture& g, const Mat& X, Mat& R) {
  R.resize(X.rows(), g.K());
  std::vector<double> r(static_cast<size_t>(g.K()));
  for (int i = 0; i < X.rows(); ++i) {
    mixture_responsibilities_at(arrays(g), X.data() + i, int(X.rows()), r.data());
    for (int k = 0; k < g.K(); ++k) R(i, k) = r[k];
  }
}

void mixture_jacobian(const GaussianMixture& g, const RowVec& x, Mat& J) {
  const int d = g.dim(), K = g.K();
  Mat X = x;
  std::vector<double> r(static_cast<size_t>(K));
  mixture_responsibilities_at(arrays(g), X.data(), 1, r.data());
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

void mixture_jacobian_products(const GaussianMixture& g, const Mat& X, const Mat& V, Mat& JV) {
  if (V.rows() != X.rows() || V.cols() != X.cols() || X.cols() != g.dim())
    throw InputError(fmt::format("Jacobian products: {} x {} points and {} x {} vectors for d = {}", X.rows(), X.cols(),
                                 V.rows(), V.cols(), g.dim()));
  Mat R;
  mixture_responsibilities(g, X, R);
  // The centered form sum_k r_k (s_k - s)(s_k - s)^T of sum_k r_k s_k s_k^T - s s^T: the latter
  // cancels catastrophically where one component dominates and |s| is large (|s|^2 eps noise).
  auto component = [&](int k) { return Mat(((-X).rowwise() + g.means.row(k)).array().rowwise() / g.vars.row(k).array()); };
  Mat S = Mat::Zero(X.rows(), X.cols());
  for (int k = 0; k < g.K(); ++k) S += R.col(k).asDiagonal() * component(k);
  JV.setZero(X.rows(), X.cols());
  for (int k = 0; k < g.K(); ++k) {
    const Mat C = component(k) - S;
    const Vec proj = C.cwiseProduct(V).rowwise().sum();
    JV += R.col(k).asDiagonal() * ((C.array().colwise() * proj.array()) - (V.array().rowwise() / g.vars.row(k).array())).matrix();
  }
}

}  // namespace td
