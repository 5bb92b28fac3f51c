#include "data/mixture.hpp"

#include <cmath>
#include <vector>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

void GaussianMixture::validate(const std::string& where) const {
  const int k = K();
  if (k < 1) throw InputError(fmt::format("{}: a mixture needs at least one component", where));
  if (means.rows() != k || vars.rows() != k || vars.cols() != means.cols())
    throw InputError(fmt::format("{}: {} weights but means are {}x{} and variances {}x{}", where, k,
                                 means.rows(), means.cols(), vars.rows(), vars.cols()));
  if (dim() < 1) throw InputError(fmt::format("{}: dimension must be at least 1", where));
  double sum = 0;
  for (int i = 0; i < k; ++i) {
    if (!std::isfinite(weights[i]) || weights[i] <= 0)
      throw InputError(fmt::format("{}: weight {} of component {} must be positive", where, weights[i], i));
    sum += weights[i];
  }
  if (std::abs(sum - 1.0) > 1e-9)
    throw InputError(fmt::format("{}: weights sum to {:.12g}, not 1", where, sum));
  if (!means.allFinite()) throw InputError(fmt::format("{}: means contain NaN or Inf", where));
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < dim(); ++j)
      if (!std::isfinite(vars(i, j)) || vars(i, j) < 0)
        throw InputError(fmt::format("{}: variance {} of component {} (coordinate {}) must be >= 0",
                                     where, vars(i, j), i, j));
}

GaussianMixture GaussianMixture::marginal(double alpha, double sigma2) const {
  GaussianMixture m;
  marginal_into(alpha, sigma2, m);
  return m;
}

void GaussianMixture::marginal_into(double alpha, double sigma2, GaussianMixture& m) const {
  m.weights = weights;
  m.means = alpha * means;
  m.vars = (alpha * alpha) * vars.array() + sigma2;
}

GaussianMixture ring_mixture(int K, double radius, double std, int d) {
  if (K < 1) throw InputError(fmt::format("ring: K = {} must be >= 1", K));
  if (d < 2) throw InputError("ring: needs dimension >= 2");
  if (!(radius >= 0) || !(std >= 0)) throw InputError("ring: radius and std must be >= 0");
  GaussianMixture gm;
  gm.weights = Vec::Constant(K, 1.0 / K);
  gm.means = Mat::Zero(K, d);
  for (int k = 0; k < K; ++k) {
    const double a = 2.0 * M_PI * k / K;
    gm.means(k, 0) = radius * std::cos(a);
    gm.means(k, 1) = radius * std::sin(a);
  }
  gm.vars = Mat::Constant(K, d, std * std);
  return gm;
}

GaussianMixture symmetric_pair(int d, double m, double var) {
  if (d < 1 || !(var >= 0)) throw InputError(fmt::format("symmetric pair: need d >= 1 and var >= 0 (got {}, {})", d, var));
  GaussianMixture g;
  g.weights = Vec::Constant(2, 0.5);
  g.means = Mat::Constant(2, d, m);
  g.means.row(1) *= -1;
  g.vars = Mat::Constant(2, d, var);
  return g;
}

Vec collapse_weights(int K, int m, double alpha) {
  if (m < 0 || m > K) throw InputError(fmt::format("collapse: m = {} must be in [0, K = {}]", m, K));
  if (!(alpha > 0)) throw InputError(fmt::format("collapse: alpha = {} must be > 0", alpha));
  if (m == K && std::abs(alpha - 1.0) > 1e-12)
    throw InputError("collapse: m = K requires alpha = 1 (weights must sum to one)");
  if (m < K && !(m * alpha / K < 1.0))
    throw InputError(fmt::format("collapse: m alpha / K = {} must be < 1", m * alpha / K));
  Vec w(K);
  for (int k = 0; k < K; ++k) w[k] = k < m ? alpha / K : (1.0 - m * alpha / K) / (K - m);
  return w;
}

void sample_mixture(const GaussianMixture& gm, const RngKey& key, const uint64_t* ids, int n,
                    uint64_t step, Mat& X) {
  const int d = gm.dim(), K = gm.K();
  Mat U, Z;
  uniform_block(key, ids, n, step, 1, U);
  normal_block(key, ids, n, step + 1, d, Z);
  X.resize(n, d);
  Vec cdf(K);
  double c = 0;
  for (int k = 0; k < K; ++k) cdf[k] = (c += gm.weights[k]);
  for (int i = 0; i < n; ++i) {
    int k = 0;
    const double u = U(i, 0) * c;
    while (k < K - 1 && u >= cdf[k]) ++k;
    for (int j = 0; j < d; ++j) X(i, j) = gm.means(k, j) + std::sqrt(gm.vars(k, j)) * Z(i, j);
  }
}

double kl_separated_uniform(const Vec& w) {
  const int K = int(w.size());
  double kl = 0;
  for (int k = 0; k < K; ++k) kl -= std::log(K * w[k]) / K;
  return kl;
}

double relvar_separated_uniform(const Vec& w) {
  const int K = int(w.size());
  const double kl = kl_separated_uniform(w);
  double m2 = 0;
  for (int k = 0; k < K; ++k) {
    const double l = std::log(K * w[k]);
    m2 += l * l / K;
  }
  return m2 - kl * kl;
}

Mat draw_dataset(const GaussianMixture& gm, const RngKey& key, int n) {
  if (n < 1) throw InputError(fmt::format("data set: n = {} must be >= 1", n));
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat X;
  sample_mixture(gm, key, ids.data(), n, 0, X);
  return X;
}

DataFn mixture_data(const GaussianMixture& gm, const RngKey& key, uint64_t step) {
  return [gm, key, step](const uint64_t* ids, int n, Mat& X) { sample_mixture(gm, key, ids, n, step, X); };
}

}  // namespace td
