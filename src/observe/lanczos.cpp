#include "observe/lanczos.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {
namespace {

// Below this fraction of the operator's scale seen so far, a residual means the Krylov space closed
// (sqrt of double precision's epsilon): a space that closes in exact arithmetic leaves a residual
// far above eps when its eigenvalues are spread (6e-10 of 40 for values in [-20, -0.38]), and any
// Ritz value's bound is then already below this fraction, so nothing is lost by stopping.
constexpr double kClosed = 1.5e-8;

// Ritz values and residual bounds of one row's tridiagonal matrix (alpha diagonal, beta below).
void ritz(const std::vector<double>& alpha, const std::vector<double>& beta, double beta_last, int row, LanczosResult& r) {
  const int k = int(alpha.size());
  Mat T = Mat::Zero(k, k);
  for (int j = 0; j < k; ++j) {
    T(j, j) = alpha[size_t(j)];
    if (j + 1 < k) T(j, j + 1) = T(j + 1, j) = beta[size_t(j)];
  }
  Eigen::SelfAdjointEigenSolver<Mat> es(T);
  for (int j = 0; j < k; ++j) {
    r.ritz(row, j) = es.eigenvalues()[j];
    r.residual(row, j) = std::abs(beta_last * es.eigenvectors()(k - 1, j));
  }
}

}  // namespace

LanczosResult lanczos_batch(int rows, int d, const BatchMatVec& apply, int steps, const RngKey& key) {
  if (rows < 1 || d < 1) throw InputError(fmt::format("Lanczos: needs rows >= 1 and d >= 1 (got {}, {})", rows, d));
  if (steps < 1 || steps > d) throw InputError(fmt::format("Lanczos: steps must be in [1, d = {}] (got {})", d, steps));
  std::vector<uint64_t> ids(static_cast<size_t>(rows));
  std::iota(ids.begin(), ids.end(), 0);
  Mat Q0;
  normal_block(key, ids.data(), rows, 0, d, Q0);
  Q0.rowwise().normalize();
  std::vector<Mat> Q = {Q0};  // Q[j]: every row's j-th basis vector
  std::vector<std::vector<double>> alpha(static_cast<size_t>(rows)), beta(static_cast<size_t>(rows));
  std::vector<char> open(static_cast<size_t>(rows), 1);
  std::vector<double> beta_last(static_cast<size_t>(rows), 0.0), scale(static_cast<size_t>(rows), 0.0);
  Mat W;
  for (int j = 0; j < steps; ++j) {
    apply(Q[size_t(j)], W);
    if (W.rows() != rows || W.cols() != d) throw InputError("Lanczos: the product returned the wrong shape");
    Mat next = Mat::Zero(rows, d);
    for (int i = 0; i < rows; ++i) {
      if (!open[size_t(i)]) continue;
      RowVec w = W.row(i);
      const double a = w.dot(Q[size_t(j)].row(i));
      alpha[size_t(i)].push_back(a);
      scale[size_t(i)] = std::max(scale[size_t(i)], std::abs(a) + w.norm());
      // Full reorthogonalization, twice (Kahan-Parlett: "twice is enough").
      for (int pass = 0; pass < 2; ++pass)
        for (int l = 0; l <= j; ++l) w -= w.dot(Q[size_t(l)].row(i)) * Q[size_t(l)].row(i);
      const double b = w.norm();
      beta_last[size_t(i)] = b;
      if (j + 1 == steps) continue;
      if (!(b > kClosed * scale[size_t(i)])) {  // the Krylov space closed: the Ritz values are exact
        open[size_t(i)] = 0;
        beta_last[size_t(i)] = 0;
        continue;
      }
      beta[size_t(i)].push_back(b);
      next.row(i) = w / b;
    }
    Q.push_back(std::move(next));
  }
  LanczosResult r;
  r.ritz = Mat::Constant(rows, steps, std::numeric_limits<double>::quiet_NaN());
  r.residual = r.ritz;
  r.steps.resize(rows);
  for (int i = 0; i < rows; ++i) {
    r.steps[i] = int(alpha[size_t(i)].size());
    ritz(alpha[size_t(i)], beta[size_t(i)], beta_last[size_t(i)], i, r);
  }
  return r;
}

}  // namespace td
