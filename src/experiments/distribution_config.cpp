#include "experiments/distribution_config.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

ProcessParams read_process(ConfigReader r, ProcessKind default_kind) {
  const std::string kind = r.string("kind", process_kind_name(default_kind),
      "vp (linear beta), ou (dx = -x dt + sqrt(2) dW), ve (geometric sigma_min..sigma_max), ve_song (g^2 = sigma^(2t)), edm (sigma = t)");
  ProcessKind k;
  try {
    k = parse_process_kind(kind);
  } catch (const InputError& e) {
    r.fail("kind", e.what());
  }
  ProcessParams p = default_process(k);
  p.beta_min = r.number("beta_min", p.beta_min, "VP: beta(t) at t = 0 [1/t]");
  p.beta_max = r.number("beta_max", p.beta_max, "VP: beta(t) at t = 1 [1/t]");
  p.sigma_min = r.number("sigma_min", p.sigma_min,
      "VE: noise std at t = 0; marginal variance sigma_min^2((sigma_max/sigma_min)^(2t) - 1)");
  p.sigma_max = r.number("sigma_max", p.sigma_max, "VE: noise std at t = 1");
  p.sigma_base = r.number("sigma", p.sigma_base, "ve_song: base sigma > 1 (g = sigma^t)");
  p.t_min = r.number("t_min", p.t_min, "start of the time window [t]; paths start at p_{t_min}");
  p.T = r.number("T", p.T, "end of the time window [t]");
  r.require(p.t_min >= 0, "t_min", fmt::format("must be >= 0 (got {})", p.t_min));
  r.require(p.T > p.t_min, "T", fmt::format("must be > t_min (got T = {}, t_min = {})", p.T, p.t_min));
  r.require(p.beta_min > 0, "beta_min", "must be > 0");
  r.require(p.beta_max >= p.beta_min, "beta_max", "must be >= beta_min");
  r.require(p.sigma_min > 0, "sigma_min", "must be > 0");
  r.require(p.sigma_max > p.sigma_min, "sigma_max", "must be > sigma_min");
  r.require(p.sigma_base > 1, "sigma", "must be > 1");
  if (k == ProcessKind::VE || k == ProcessKind::VESong)
    r.require(p.T <= 1.0, "T", "must be <= 1 for ve and ve_song");
  if (k == ProcessKind::EDM) r.require(p.t_min > 0, "t_min", "must be > 0 for edm");
  r.finish();
  return p;
}

GaussianMixture read_ring(ConfigReader r, int& K_out) {
  const int64_t K = r.integer("K", kRequired, "number of modes");
  r.require(K >= 1 && K <= 100000, "K", fmt::format("must be in [1, 100000] (got {})", K));
  const double radius = r.number("radius", kRequired, "radius of the circle of means");
  r.require(radius >= 0, "radius", "must be >= 0");
  const double std = r.number("std", kRequired, "per-coordinate std of every mode (0 = delta)");
  r.require(std >= 0, "std", fmt::format("must be >= 0 (got {})", std));
  const int64_t d = r.integer("dim", 2, "dimension (the circle lies in the first two coordinates)");
  r.require(d >= 2 && d <= 1 << 20, "dim", "must be >= 2");
  r.require(K * d <= int64_t(1) << 26, "dim", fmt::format("K x dim = {} x {}: at most 2^26 numbers per mixture", K, d));
  r.finish();
  K_out = int(K);
  return ring_mixture(int(K), radius, std, int(d));
}

// mixture = { weights = [...], means = [[...], ...], std = [...] | var = [[...], ...] }
GaussianMixture read_mixture(ConfigReader r) {
  GaussianMixture gm;
  const auto w = r.numbers("weights", kRequired, "component weights (positive, summing to 1)");
  const auto mu = r.matrix("means", "component means, one row per component");
  r.require(!w.empty(), "weights", "needs at least one component");
  r.require(mu.size() == w.size(), "means", fmt::format("has {} rows but there are {} weights", mu.size(), w.size()));
  const size_t d = mu[0].size();
  r.require(d >= 1, "means", "rows must not be empty");
  gm.weights = Vec(Eigen::Index(w.size()));
  gm.means = Mat(Eigen::Index(w.size()), Eigen::Index(d));
  for (size_t k = 0; k < w.size(); ++k) {
    r.require(mu[k].size() == d, "means", fmt::format("row {} has {} entries, row 0 has {}", k, mu[k].size(), d));
    gm.weights[Eigen::Index(k)] = w[k];
    for (size_t j = 0; j < d; ++j) gm.means(Eigen::Index(k), Eigen::Index(j)) = mu[k][j];
  }
  const bool has_std = r.has("std"), has_var = r.has("var");
  r.require(has_std != has_var, has_std ? "var" : "std",
      "give exactly one of std (per component) or var (per component and coordinate)");
  gm.vars = Mat(gm.means.rows(), gm.means.cols());
  if (has_std) {
    const auto s = r.numbers("std", kRequired, "isotropic std per component (0 = delta)");
    r.require(s.size() == w.size(), "std", fmt::format("has {} entries but there are {} weights", s.size(), w.size()));
    for (size_t k = 0; k < s.size(); ++k) {
      r.require(s[k] >= 0, "std", fmt::format("entry {} is negative ({})", k, s[k]));
      gm.vars.row(Eigen::Index(k)).setConstant(s[k] * s[k]);
    }
  } else {
    const auto v = r.matrix("var", "per-coordinate variances, one row per component");
    r.require(v.size() == w.size(), "var", "needs one row per component");
    for (size_t k = 0; k < v.size(); ++k) {
      r.require(v[k].size() == d, "var", fmt::format("row {} has {} entries, expected {}", k, v[k].size(), d));
      for (size_t j = 0; j < d; ++j) {
        r.require(v[k][j] >= 0, "var", fmt::format("row {} entry {} is negative", k, j));
        gm.vars(Eigen::Index(k), Eigen::Index(j)) = v[k][j];
      }
    }
  }
  double sum = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    r.require(w[k] > 0, "weights", fmt::format("entry {} is {} (weights must be positive)", k, w[k]));
    sum += w[k];
  }
  r.require(std::abs(sum - 1) <= 1e-9, "weights", fmt::format("sum to {:.12g}, not 1", sum));
  r.finish();
  return gm;
}

// A distribution table: exactly one of ring / mixture.
std::optional<GaussianMixture> read_distribution(ConfigReader& r, bool required, int& ring_K) {
  const bool ring = r.has("ring"), mix = r.has("mixture");
  if (ring && mix) r.fail("mixture", "give either ring or mixture, not both");
  if (ring) return read_ring(r.table("ring", "K equal-weight modes on a circle: { K, radius, std, dim = 2 }"), ring_K);
  if (mix) return read_mixture(r.table("mixture",
      "Gaussian mixture: { weights, means, std = [...] (isotropic per component) or var = [[...]] (per coordinate) }"));
  if (required) r.fail("ring", "missing: the distribution needs ring = {...} or mixture = {...}");
  return std::nullopt;
}

}  // namespace td
