#pragma once
// The Jacobian spectrum along the forward process and the conditional entropy rate it carries
// (issue 36; docs §5.3). The review's identity: the Fisher information of the posterior is
// I_t(x) = sigma^-2 (I + sigma^2 J(x)), so the conditional entropy rate (x units, per unit t) is
//   dH[x_0|x_t]/dt = g^2/2 E tr I_t = g^2/2 sum_j (1/sigma^2 + E lambda_j),
// the same number as the divergence estimator (the trace is the divergence) and, by integration by
// parts, as the score-norm one, g^2/2 (d/sigma^2 - E|s|^2). Each eigen-direction carries
// g^2/(2 sigma^2) u_j with u_j = 1 + sigma^2 lambda_j (the posterior's variance there over the
// noise's, alpha^2 Var/sigma^2): directions across the data (u near 0) carry none; the production is
// split by bands of u.
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "data/data_fn.hpp"
#include "observe/score_spectrum.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

// Bands of u = 1 + sigma^2 lambda: [.., 0.1), [0.1, 0.5), [0.5, 0.9), [0.9, ..).
constexpr int kSpectralBands = 4;
extern const double kSpectralBandEdges[kSpectralBands - 1];

struct SpectralProfileOptions {
  std::vector<double> times;  // process times (> 0)
  int points = 64;            // points x_t = alpha x_0 + sigma z per time (ids 0..points-1)
  SpectrumOptions spectrum;
  uint64_t seed = 1;          // noise: (seed, Stream::Geometry, 1); Lanczos starts: (seed, Stream::Geometry, 2)
};

struct SpectralProfile {
  std::vector<double> t, sigma2, g2;
  bool full = true;                  // whole spectra (else Ritz values: no rate from the spectrum)
  Mat mean_values, se_values;        // times x m: per sorted index, the mean over points and its SE [1/x^2]
  std::vector<double> rate_spectrum, rate_spectrum_se;      // g^2/2 sum_j (1/sigma^2 + E lambda_j) [nats/t]
  std::vector<double> rate_score_norm, rate_score_norm_se;  // g^2/2 (d/sigma^2 - E|s|^2) [nats/t]
  std::vector<double> difference_se;  // SE of their paired difference (the identity's test)
  Mat band_rate;                      // times x bands: the rate carried in each band [nats/t]
  Mat band_count;                     // times x bands: the mean number of directions in each band
  std::vector<double> asymmetry;      // mean |J - J^T| / |J + J^T| over the points
};

SpectralProfile spectral_profile(const Score& s, const Process& process, const DataFn& data,
                                 const SpectralProfileOptions& o);

}  // namespace td
