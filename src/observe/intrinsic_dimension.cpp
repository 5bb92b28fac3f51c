#include "observe/intrinsic_dimension.hpp"

#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

SpectralDimension spectral_dimension(const PointSpectra& sp, double sigma2) {
  if (!(sigma2 > 0)) throw InputError(fmt::format("spectral dimension: sigma^2 = {} must be > 0", sigma2));
  const double level = -0.5 / sigma2;
  const Eigen::Index n = sp.values.rows(), m = sp.values.cols();
  SpectralDimension r{Vec::Zero(n), Vec::Zero(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    int valid = 0, above = 0;
    for (Eigen::Index j = 0; j < m; ++j) {
      const double v = sp.values(i, j), e = sp.residual(i, j);
      if (std::isnan(v)) continue;
      valid++;
      above += v > level;
      r.unresolved[i] += std::abs(v - level) <= e;
    }
    r.dimension[i] = above;
    // A partial spectrum all above the level (and not a closed space) may hide more values above it.
    if (!sp.full && valid == m && above == valid) r.unresolved[i] += 1;
  }
  return r;
}

NoiseDerivativeDimension noise_derivative_dimension(const Score& s, const Process& process, const Mat& X0, double t,
                                                    int probes, const RngKey& key, uint64_t first_id) {
  if (probes < 0) throw InputError("noise-derivative dimension: probes must be >= 0");
  const double a = process.alpha(t), s2 = process.sigma2(t);
  if (!(s2 > 0)) throw InputError(fmt::format("noise-derivative dimension: sigma(t)^2 = {} at t = {} (needs t > 0)", s2, t));
  const Mat X = a * X0;
  const int n = int(X.rows()), d = int(X.cols());
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), first_id);
  const std::vector<Mat> V = probes > 0 ? rademacher_probes(key, ids.data(), n, 0, d, probes) : std::vector<Mat>{};
  ScoreResult r;
  s.evaluate({X, t, nullptr, divergence_for(probes), &V}, r);
  NoiseDerivativeDimension out;
  out.dimension = (double(d) + s2 * (r.div.array() + r.score.rowwise().squaredNorm().array())).matrix();
  out.se = r.div_var.size() ? Vec(s2 * r.div_var.array().max(0.0).sqrt()) : Vec(Vec::Zero(n));
  return out;
}

}  // namespace td
