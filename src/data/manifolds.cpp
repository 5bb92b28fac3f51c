#include "data/manifolds.hpp"

#include <numeric>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

void ManifoldSpec::validate(const std::string& where) const {
  auto bad = [&](const std::string& what) { throw InputError(fmt::format("{}: {}", where, what)); };
  if (dim < 1 || dim > 4096) bad(fmt::format("dim = {} must be in [1, 4096]", dim));
  if (!(std >= 0)) bad(fmt::format("std = {} must be >= 0", std));
  if (shape == "subspace") {
    if (k < 1 || k > dim) bad(fmt::format("subspace: k = {} must be in [1, dim = {}]", k, dim));
    if (!(scale > 0)) bad("subspace: scale must be > 0");
  } else if (shape == "sphere") {
    if (k < 1 || k + 1 > dim) bad(fmt::format("sphere: k = {} must be in [1, dim - 1 = {}] (it lives in k + 1 coordinates)", k, dim - 1));
    if (points < 2 || points > 1 << 20) bad(fmt::format("sphere: points = {} must be in [2, 2^20]", points));
    if (!(radius > 0)) bad("sphere: radius must be > 0");
  } else if (shape == "union") {
    if (dims.empty() || dims.size() > 64) bad("union: dims needs 1 to 64 subspace dimensions");
    for (int v : dims)
      if (v < 1) bad(fmt::format("union: every dimension must be >= 1 (got {})", v));
    const int used = std::accumulate(dims.begin(), dims.end(), 0);
    if (used >= dim) bad(fmt::format("union: the blocks take {} coordinates and the shifts one more; dim = {} is too small", used, dim));
    if (!(scale > 0) || !(separation >= 0)) bad("union: scale must be > 0 and separation >= 0");
  } else {
    bad(fmt::format("shape '{}' is not subspace, sphere or union", shape));
  }
}

std::vector<int> ManifoldSpec::component_dims() const {
  if (shape == "subspace") return {k};
  if (shape == "sphere") return std::vector<int>(size_t(points), k);
  return dims;
}

std::string ManifoldSpec::describe() const {
  if (shape == "subspace") return fmt::format("Gaussian on a {}-dimensional subspace of R^{} (scale {})", k, dim, scale);
  if (shape == "sphere")
    return fmt::format("{}-sphere of radius {} in R^{} ({} points, std {})", k, radius, dim, points, std);
  std::string ds;
  for (int v : dims) ds += (ds.empty() ? "" : ", ") + std::to_string(v);
  return fmt::format("union of subspaces of dimensions {} in R^{} (scale {}, separation {})", ds, dim, scale, separation);
}

GaussianMixture manifold_mixture(const ManifoldSpec& m, const RngKey& key) {
  m.validate("manifold");
  const double v = m.std * m.std;
  GaussianMixture g;
  if (m.shape == "subspace") {
    g.weights = Vec::Ones(1);
    g.means = Mat::Zero(1, m.dim);
    g.vars = Mat::Constant(1, m.dim, v);
    g.vars.leftCols(m.k).setConstant(m.scale * m.scale);
  } else if (m.shape == "sphere") {
    std::vector<uint64_t> ids(size_t(m.points));
    std::iota(ids.begin(), ids.end(), 0);
    Mat Z;
    normal_block(key, ids.data(), m.points, 0, m.k + 1, Z);
    Z.rowwise().normalize();
    g.weights = Vec::Constant(m.points, 1.0 / m.points);
    g.means = Mat::Zero(m.points, m.dim);
    g.means.leftCols(m.k + 1) = m.radius * Z;
    g.vars = Mat::Constant(m.points, m.dim, v);
  } else {
    const int K = int(m.dims.size());
    g.weights = Vec::Constant(K, 1.0 / K);
    g.means = Mat::Zero(K, m.dim);
    g.vars = Mat::Constant(K, m.dim, v);
    int from = 0;
    for (int c = 0; c < K; ++c) {
      g.vars.block(c, from, 1, m.dims[size_t(c)]).setConstant(m.scale * m.scale);
      g.means(c, m.dim - 1) = m.separation * m.scale * c;
      from += m.dims[size_t(c)];
    }
  }
  g.validate("manifold");
  return g;
}

}  // namespace td
