#pragma once
// Data of known intrinsic dimension, as Gaussian mixtures so that their score is exact (issue 36's
// checks; docs/data.md#manifolds):
//   subspace : N(0, scale^2) on the first k coordinates, std^2 across (0: exactly on the subspace);
//              eq. 61 of the review gives its Jacobian spectrum in closed form
//   sphere   : the k-sphere of `radius` in the first k + 1 coordinates, as `points` equal components
//              N(p_i, std^2 I) at uniform random points p_i (continuous above the spacing of the points)
//   union    : subspaces of the dimensions `dims` on disjoint coordinate blocks, each shifted by
//              separation x its index along the last coordinate, equal weights, std^2 across
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "data/mixture.hpp"

namespace td {

struct ManifoldSpec {
  std::string shape = "subspace";  // subspace | sphere | union
  int dim = 8;                     // ambient dimension d
  int k = 2;                       // subspace, sphere: the manifold's dimension
  std::vector<int> dims;           // union: each subspace's dimension
  int points = 2000;               // sphere: components
  double radius = 1, scale = 1, separation = 6, std = 0;
  void validate(const std::string& where) const;  // throws InputError naming `where`
  std::vector<int> component_dims() const;         // the dimension of each component of manifold_mixture
  std::string describe() const;
};

// The mixture; a sphere's points are drawn from `key` (ids: the components).
GaussianMixture manifold_mixture(const ManifoldSpec& m, const RngKey& key);

}  // namespace td
