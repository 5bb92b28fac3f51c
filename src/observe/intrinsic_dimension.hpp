#pragma once
// Local intrinsic dimension of data as the score sees it at noise sigma~ (issue 36; docs §5.3), two
// ways, both at the point x = alpha(t) x_0 that a clean point x_0 becomes without noise (EDM units:
// x~ = x_0 at noise sigma~ = sigma/alpha):
//  spectral: at small noise the Jacobian's eigenvalues split into directions along the data
//    (sigma^2 lambda near 0: the posterior still spreads there) and across it (near -1, the
//    isotropic -1/sigma^2 of pure noise; eq. 61 of the review: sigma^-2 - (lambda_i(Sigma_0) +
//    sigma^2)^-1 in EDM units for Gaussian data). The dimension is the count of sigma^2 lambda > -1/2:
//    the directions in which the data spread more than the noise.
//  noise derivative (FLIPD-type, Kamkari et al. 2024): log p~ near a k-dimensional manifold falls as
//    -(d - k) ln sigma~, so k = d + d ln p~(x~)/d ln sigma~, and the heat equation gives that derivative
//    as sigma~^2 (Delta log p~ + |grad log p~|^2) = sigma^2 (div s + |s|^2) in x units: the score and
//    its divergence at one point, no solve. Its uncertainty is Hutchinson's where the divergence is
//    estimated.
#include <cstdint>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "observe/score_spectrum.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

struct SpectralDimension {
  Vec dimension;   // per point: the count of sigma^2 lambda > -1/2
  Vec unresolved;  // per point: values whose residual interval straddles -1/2, plus 1 when every value
                   // of a partial (Lanczos) spectrum is above it (the count may then be larger)
};
SpectralDimension spectral_dimension(const PointSpectra& spectra, double sigma2);

struct NoiseDerivativeDimension {
  Vec dimension;  // per point: d + sigma^2 (div s + |s|^2)
  Vec se;         // its standard error (0 with the exact divergence)
};
// At x = alpha(t) X0: exact divergence with probes = 0, else Hutchinson with `probes` Rademacher
// vectors keyed by (key, first_id + row).
NoiseDerivativeDimension noise_derivative_dimension(const Score& s, const Process& process, const Mat& X0, double t,
                                                    int probes, const RngKey& key, uint64_t first_id = 0);

}  // namespace td
