#pragma once
// The spectrum of the score's Jacobian J = ds/dx at a batch of points (issue 36; docs §5.3). For
// the exact score J = grad grad log p_t is symmetric; a network's need not be, so the spectrum is
// that of the symmetric part (J + J^T)/2 (the same trace, the divergence) and the asymmetry
// |J - J^T| / |J + J^T| is reported beside it. Where d is small the whole d x d matrix is formed
// from d products per point (exact for mixtures, autograd or forward tangents for networks);
// where it is not, block Lanczos on batched products gives the extreme eigenvalues, each with its
// residual bound. Rows are independent: a point's spectrum does not depend on the batch around it.
#include <cstdint>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "score/score.hpp"

namespace td {

struct SpectrumOptions {
  int full_max_dim = 64;  // the full Jacobian (d products per point) when d <= this; else block Lanczos
  int block = 4;          // Lanczos: starting vectors per point (each finds one copy of a repeated value)
  int steps = 12;         // Lanczos: blocks, block x steps <= d products per point (clamped to d)
  void validate(const char* where) const;  // throws InputError
};

struct PointSpectra {
  bool full = true;  // the whole spectrum (else the Ritz values of a Krylov space)
  Mat values;        // n x m, ascending [1/x^2]: full m = d; Lanczos m = block x steps (NaN past a closed space)
  Mat residual;      // n x m: an eigenvalue lies within this distance of each value (0 for the full spectrum)
  Vec asymmetry;     // per point: |J - J^T| / |J + J^T| (Frobenius; Lanczos: over its Krylov vectors)
};

// The spectra of s's Jacobian at the rows of X, time t. Lanczos' starting vectors are keyed by
// (key, first_id + row), so a point's spectrum is the same in any batch. Parallel over points.
PointSpectra score_spectra(const Score& s, const Mat& X, double t, const SpectrumOptions& o, const RngKey& key,
                           uint64_t first_id = 0);

}  // namespace td
