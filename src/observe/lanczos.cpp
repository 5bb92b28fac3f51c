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

// Below this fraction of the operator's scale seen so far, a new direction means the Krylov space
// closed (sqrt of double precision's epsilon): a space that closes in exact arithmetic leaves a
// remainder far above eps when its eigenvalues are spread (6e-10 of 40 for values in [-20, -0.38]),
// and any Ritz value's residual is then already below this fraction, so nothing is lost by stopping.
constexpr double kClosed = 1.5e-8;

// One row's Krylov basis: Q (m x d, orthonormal rows) and AQ (m x d, the products of those rows).
struct Basis {
  Mat Q, AQ;
  int size = 0;
  int block_from = 0, block_size = 0;  // the last block added: rows [from, from + size) of Q
  double scale = 0;
  bool open = true;
};

// w minus its projection on the basis' first `size` rows, twice (Kahan-Parlett: "twice is enough").
void orthogonalize(const Basis& b, int size, RowVec& w) {
  for (int pass = 0; pass < 2; ++pass)
    if (size > 0) w -= (b.Q.topRows(size) * w.transpose()).transpose() * b.Q.topRows(size);
}

// Appends the block's candidates (rows of C) that are not already in the span; closes the row when none is.
void extend(Basis& b, Mat C) {
  const int before = b.size;
  for (Eigen::Index c = 0; c < C.rows(); ++c) {
    RowVec w = C.row(c);
    orthogonalize(b, b.size, w);
    const double n = w.norm();
    if (n > kClosed * b.scale && b.size < b.Q.rows()) b.Q.row(b.size++) = w / n;
  }
  b.block_from = before, b.block_size = b.size - before;
  if (b.size == before) b.open = false;
}

// Ritz values and explicit residuals from the projected matrix Q^T A Q (its symmetric part).
void ritz(const Basis& b, int row, LanczosResult& r) {
  const int m = b.size;
  const Mat Q = b.Q.topRows(m), AQ = b.AQ.topRows(m);
  Mat H = Q * AQ.transpose();
  H = 0.5 * (H + H.transpose()).eval();
  Eigen::SelfAdjointEigenSolver<Mat> es(H);
  const Mat Y = es.eigenvectors().transpose();  // row j: Ritz vector j's coordinates
  const Mat R = Y * AQ - es.eigenvalues().asDiagonal() * (Y * Q);
  for (int j = 0; j < m; ++j) {
    r.ritz(row, j) = es.eigenvalues()[j];
    r.residual(row, j) = R.row(j).norm();
  }
}

}  // namespace

LanczosResult block_lanczos_batch(int rows, int d, const BatchMatVec& apply, int block, int steps, const RngKey& key,
                                  uint64_t first_id) {
  if (rows < 1 || d < 1) throw InputError(fmt::format("Lanczos: needs rows >= 1 and d >= 1 (got {}, {})", rows, d));
  if (block < 1 || steps < 1 || int64_t(block) * steps > d)
    throw InputError(fmt::format("Lanczos: block >= 1 and steps >= 1 with block x steps <= d = {} (got {} x {})", d, block, steps));
  const int m = block * steps;
  std::vector<uint64_t> ids(static_cast<size_t>(rows));
  std::iota(ids.begin(), ids.end(), first_id);
  std::vector<Basis> basis(static_cast<size_t>(rows));
  std::vector<Mat> start(static_cast<size_t>(block));
  for (int c = 0; c < block; ++c) normal_block(key, ids.data(), rows, uint64_t(c), d, start[size_t(c)]);
  for (int i = 0; i < rows; ++i) {
    Basis& b = basis[size_t(i)];
    b.Q.resize(m, d), b.AQ.resize(m, d);
    Mat C(block, d);
    for (int c = 0; c < block; ++c) C.row(c) = start[size_t(c)].row(i);
    b.scale = C.norm();
    extend(b, C);
  }
  Mat V(rows, d), W;
  for (int applied = 0; applied < m; ++applied) {
    // Apply the next basis vector of every row that has one (a closed row gets zeros).
    bool any = false;
    for (int i = 0; i < rows; ++i) {
      const Basis& b = basis[size_t(i)];
      const bool has = applied < b.size;
      V.row(i) = has ? RowVec(b.Q.row(applied)) : RowVec::Zero(d);
      any = any || has;
    }
    if (!any) break;
    apply(V, W);
    if (W.rows() != rows || W.cols() != d) throw InputError("Lanczos: the product returned the wrong shape");
    for (int i = 0; i < rows; ++i) {
      Basis& b = basis[size_t(i)];
      if (applied >= b.size) continue;
      b.AQ.row(applied) = W.row(i);
      b.scale = std::max(b.scale, W.row(i).norm());
      // A block is complete: its products are the next block's candidates.
      if (applied + 1 == b.size && b.open && b.size < m) extend(b, b.AQ.middleRows(b.block_from, b.block_size));
    }
  }
  LanczosResult r;
  r.ritz = Mat::Constant(rows, m, std::numeric_limits<double>::quiet_NaN());
  r.residual = r.ritz;
  r.steps.resize(rows);
  for (int i = 0; i < rows; ++i) {
    r.steps[i] = basis[size_t(i)].size;
    ritz(basis[size_t(i)], i, r);
  }
  return r;
}

}  // namespace td
