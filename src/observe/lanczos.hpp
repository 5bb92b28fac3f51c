#pragma once
// Extreme eigenvalues of a batch of symmetric operators from their products alone (issue 36: the
// Jacobian spectrum of a network's score where d is too large for the full matrix). Row i of the
// batch has its own operator A_i, seen only through A_i v_i. Block Lanczos with full
// reorthogonalization builds each row's Krylov basis Q from `block` starting vectors (one block
// finds one copy of a repeated eigenvalue; b of them find up to b copies, which counting
// dimensions needs), and the eigenvalues of Q^T A Q (Ritz values) approach A_i's extreme eigenvalues
// first. Each Ritz value comes with its explicit residual |A y - theta y| (y the Ritz vector): for
// symmetric A_i an eigenvalue lies within that distance of it (the bound every "converged" claim
// rests on). A row whose Krylov space closes early (the next block lies in the basis) has exact Ritz
// values.
#include <cstdint>
#include <functional>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace td {

// AV.row(i) = A_i V.row(i) for every row i (AV is resized by the callee).
using BatchMatVec = std::function<void(const Mat& V, Mat& AV)>;

struct LanczosResult {
  Mat ritz;      // rows x (block * steps): Ritz values ascending (NaN past a row's closed Krylov space)
  Mat residual;  // rows x (block * steps): their residual bounds (the same shape)
  Eigen::VectorXi steps;  // per row: the size of its Krylov basis
};

// `rows` operators of size d, `steps` blocks of `block` products each (block * steps <= d), starting
// vectors drawn from `key` (id: first_id + the row, step: the column of the block). Deterministic for
// a key whatever the rows around a row (the products are the caller's).
LanczosResult block_lanczos_batch(int rows, int d, const BatchMatVec& apply, int block, int steps, const RngKey& key,
                                  uint64_t first_id = 0);
// One starting vector per row: plain Lanczos.
inline LanczosResult lanczos_batch(int rows, int d, const BatchMatVec& apply, int steps, const RngKey& key) {
  return block_lanczos_batch(rows, d, apply, 1, steps, key);
}

}  // namespace td
