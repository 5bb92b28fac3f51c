#pragma once
// Sources of the Gaussian increments z_n (dW_n = sqrt(dt) z_n) of an ensemble.
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace td {

class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  // Z (n x d): the normals of trajectories ids[0..n) at step `step`.
  virtual void fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const = 0;
};

// Independent Philox normals keyed by (seed, stream, id, step, component).
class PhiloxNoise final : public NoiseSource {
 public:
  explicit PhiloxNoise(RngKey key) : key_(key) {}
  void fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override {
    normal_block(key_, ids, n, step, d, Z);
  }
 private:
  RngKey key_;
};

// The same Brownian path seen on a grid 2^level times coarser than the finest one: the increment
// of coarse step n is the sum of the 2^level fine increments, so z = sum z_fine / 2^(level/2).
// Used for strong-convergence tests (the same path at dt, 2 dt, 4 dt ...).
class RefinedNoise final : public NoiseSource {
 public:
  RefinedNoise(RngKey key, int level) : key_(key), level_(level) {}
  void fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override;
 private:
  RngKey key_;
  int level_;
};

// The normals of a fine source seen on the grid of every other node (TimeGrid::coarsened): coarse
// step k combines fine steps 2k and 2k + 1 as (sqrt(w_a) z_a + sqrt(w_b) z_b) / sqrt(w_a + w_b),
// w = int g^2 over each fine step, so the coarse increment int g dW is the sum of the fine ones: a
// run on the coarse grid sees (nearly) the same Brownian path, and value(dt) - value(2 dt) is a
// low-noise estimate of the discretization error (docs/discretization.md#dt-error). The result is
// exactly standard normal whatever the weights. A last odd fine step is a coarse step of its own.
class CoarsenedNoise final : public NoiseSource {
 public:
  // w[n] = int g^2 over fine step n (steps of the fine grid).
  CoarsenedNoise(const NoiseSource& fine, std::vector<double> w) : fine_(fine), w_(std::move(w)) {}
  void fill(const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const override;
 private:
  const NoiseSource& fine_;
  std::vector<double> w_;
};

}  // namespace td
