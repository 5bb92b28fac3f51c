#pragma once
// Extreme eigenvalues of a batch of symmetric operators from their products alone (issue 36: the
// Jacobian spectrum of a network's score where d is too large for the full matrix). Row i of the
// batch has its own operator A_i, seen only through A_i v_i; Lanczos with full reorthogonalization
// builds each row's Krylov basis, and the eigenvalues of its tridiagonal matrix (Ritz values)
// approach A_i's extreme eigenvalues first. Each Ritz value comes with its residual norm
// |beta_k s_kj|: for symmetric A_i an eigenvalue lies within that distance of it (the bound every
// "converged" claim rests on). A row whose Krylov space closes early (beta = 0) has exact Ritz values.
#include <functional>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace td {

// AV.row(i) = A_i V.row(i) for every row i (AV is resized by the callee).
using BatchMatVec = std::function<void(const Mat& V, Mat& AV)>;

struct LanczosResult {
  Mat ritz;      // rows x steps: Ritz values ascending (NaN past a row's closed Krylov space)
  Mat residual;  // rows x steps: their residual bounds (the same shape)
  Eigen::VectorXi steps;  // per row: the size of its Krylov basis
};

// `rows` operators of size d, `steps` <= d products each, starting vectors drawn from `key` (id: the
// row, step 0). Deterministic for a key; any thread count (the products are the caller's).
LanczosResult lanczos_batch(int rows, int d, const BatchMatVec& apply, int steps, const RngKey& key);

}  // namespace td
