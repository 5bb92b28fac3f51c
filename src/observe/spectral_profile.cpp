#include "observe/spectral_profile.hpp"

#include <cmath>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/stats.hpp"

namespace td {

const double kSpectralBandEdges[kSpectralBands - 1] = {0.1, 0.5, 0.9};

namespace {

std::pair<double, double> mean_and_se(const std::vector<double>& v) {
  Moments m;
  for (double x : v) m.add(x);
  return {m.mean(), m.mean_se()};
}

int band_of(double u) {
  int b = 0;
  while (b < kSpectralBands - 1 && u >= kSpectralBandEdges[b]) ++b;
  return b;
}

// Row k of mean and se: the mean and standard error of the columns of A (rows: independent points;
// NaN entries skipped).
void column_mean_se(const Mat& A, Mat& mean, Mat& se, Eigen::Index k) {
  for (Eigen::Index j = 0; j < A.cols(); ++j) {
    std::vector<double> v;
    for (Eigen::Index i = 0; i < A.rows(); ++i)
      if (!std::isnan(A(i, j))) v.push_back(A(i, j));
    const auto m = mean_and_se(v);
    mean(k, j) = m.first, se(k, j) = m.second;
  }
}

}  // namespace

SpectralProfile spectral_profile(const Score& s, const Process& process, const DataFn& data,
                                 const SpectralProfileOptions& o) {
  if (o.times.empty() || o.points < 2) throw InputError("spectral profile: needs times and at least 2 points per time");
  const int n = o.points, d = s.dim();
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  Mat X0;
  data(ids.data(), n, X0);
  SpectralProfile r;
  const size_t T = o.times.size();
  for (size_t k = 0; k < T; ++k) {
    const double t = o.times[k], a = process.alpha(t), s2 = process.sigma2(t), g2 = process.g2(t);
    if (!(t > 0 && s2 > 0)) throw InputError(fmt::format("spectral profile: time {} has sigma^2 = {} (needs > 0)", t, s2));
    Mat Z, S;
    normal_block({o.seed, Stream::Geometry, 1}, ids.data(), n, uint64_t(k), d, Z);
    const Mat X = a * X0 + std::sqrt(s2) * Z;
    const PointSpectra sp = score_spectra(s, X, t, o.spectrum, {o.seed, Stream::Geometry, 2}, 0);
    s.score(X, t, S);
    if (k == 0) {
      r.full = sp.full;
      r.mean_values.resize(Eigen::Index(T), sp.values.cols());
      r.se_values.resize(Eigen::Index(T), sp.values.cols());
      r.band_rate.setZero(Eigen::Index(T), kSpectralBands);
      r.band_count.setZero(Eigen::Index(T), kSpectralBands);
    }
    r.t.push_back(t), r.sigma2.push_back(s2), r.g2.push_back(g2);
    column_mean_se(sp.values, r.mean_values, r.se_values, Eigen::Index(k));
    r.asymmetry.push_back(sp.asymmetry.mean());
    // Per point: the score-norm rate, and (full spectra) the spectrum's rate and its bands.
    std::vector<double> norm_rate(static_cast<size_t>(n)), spec_rate(static_cast<size_t>(n)), diff(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      norm_rate[size_t(i)] = 0.5 * g2 * (d / s2 - S.row(i).squaredNorm());
      if (!sp.full) continue;
      spec_rate[size_t(i)] = 0.5 * g2 * (d / s2 + sp.values.row(i).sum());
      diff[size_t(i)] = spec_rate[size_t(i)] - norm_rate[size_t(i)];
      for (int j = 0; j < d; ++j) {
        const double u = 1 + s2 * sp.values(i, j);
        r.band_rate(Eigen::Index(k), band_of(u)) += 0.5 * g2 / s2 * u / n;
        r.band_count(Eigen::Index(k), band_of(u)) += 1.0 / n;
      }
    }
    const auto nr = mean_and_se(norm_rate);
    r.rate_score_norm.push_back(nr.first), r.rate_score_norm_se.push_back(nr.second);
    const double nan = std::nan("");
    const auto sr = sp.full ? mean_and_se(spec_rate) : std::pair<double, double>{nan, nan};
    r.rate_spectrum.push_back(sr.first), r.rate_spectrum_se.push_back(sr.second);
    r.difference_se.push_back(sp.full ? mean_and_se(diff).second : nan);
  }
  return r;
}

}  // namespace td
