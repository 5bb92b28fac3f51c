#pragma once
// The data distribution p_0 of an experiment, whatever it came from (docs/data.md):
//   mixture   : an analytic Gaussian or delta mixture (ring, explicit mixture);
//   points    : the empirical distribution of a points file (.npy/.csv), each point smoothed by a
//               Gaussian N(x_i, s^2 I) (s = 0: deltas), itself a mixture of N equal components;
//   synthetic : uniform 8-bit or Gaussian pixel images with closed-form score and entropy;
//   images    : an image set read from its files (CIFAR-10, MNIST, Fashion-MNIST) or drawn
//               (synthetic discs): 8-bit pixels, uniformly dequantized to x = 2 (k + u) / 256 - 1.
// Every kind draws samples by identity; the kinds with a known law give it (`law`), from which
// the score layer builds the exact score (score/dataset_score.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "data/data_fn.hpp"
#include "data/image_data.hpp"
#include "data/mixture.hpp"

namespace td {

enum class DataKind { Mixture, Points, Synthetic, Images };

struct Dataset {
  DataKind kind = DataKind::Mixture;
  std::string description;
  int dim = 0;
  std::optional<GaussianMixture> law;  // p_0 exactly, as a mixture (mixture; points: the empirical law)
  std::optional<ImageSpec> synthetic;  // synthetic images
  std::shared_ptr<const Mat> points;   // points / images: the set, one row per point (data coordinates)
  std::shared_ptr<const Mat> held_out; // images: a held-out set (test files), when given
  std::vector<int> labels, held_out_labels;  // images with label files: the class of each row (else empty)
  double smoothing = 0;                // points: std s of the Gaussian around each point
  // 8-bit data: dequantized x = offset + width (k + u) / 256, so bits/dim = nats / (d ln 2) + 8 - log2(width).
  bool quantized = false;
  double quant_width = 1, quant_offset = 0;
  int channels = 1, height = 0, width = 0;  // images: the layout of a row (channel-first)
  // Manifold data (data/manifolds.hpp): the dimension of each component's support, the known answer
  // of the geometry's intrinsic dimension (empty for every other data).
  std::vector<int> component_dims;

  // Draws x_0 for sample ids: a function of (key, id, step); uses steps `step` and `step + 1`.
  DataFn sampler(const RngKey& key, uint64_t step = 0) const;
  // n points for ids 0..n-1 of `key` (n x dim).
  Mat draw(const RngKey& key, int64_t n) const;
  // The entropy S_0 of p_0 [nats] when known: synthetic images (closed form), a Gaussian mixture
  // with one component; otherwise none (an empirical law has no finite differential entropy at s = 0).
  std::optional<double> entropy() const;
  // E|x_0|^2 (exact for a law, the set's mean for points and images).
  double second_moment() const;
  // NLL in nats of a whole point -> bits per dimension of the 8-bit data (quantized only).
  double bits_per_dim(double nats) const;
  // Quantized data: each coordinate moved to the centre of its dequantization box,
  // offset + width (k + 1/2) / 256 (the 8-bit values themselves, without dequantization noise).
  Mat box_centres(const Mat& X) const;
};

// n rows of `rows` for per-sample estimates: all of them, in order, when n >= its rows; otherwise a
// random subset without replacement, the rows whose uniforms (key, row) are the n smallest (never
// the first n: a sorted file would bias every estimate). `what` says which, for results and logs.
struct RowSubset {
  Mat X;
  int64_t of = 0;      // the rows there were
  bool all = false;    // every row was taken
  std::vector<int64_t> rows;  // which rows of the set, in order (empty for fresh draws of a law)
  std::string what;    // "all 40 rows" | "256 of 2000 rows (random, seed 1)"
};
RowSubset random_rows(const Mat& rows, const RngKey& key, int64_t n);
// The rows a model's samples are measured on or compared with ((seed, Stream::Test)): a random
// subset of n of a points file's or image set's rows (its held-out set where it has one), or n fresh
// draws of the data's law; 8-bit data dequantized (uniform noise over each box) or, with
// dequantize false, at its boxes' centres.
RowSubset evaluation_points(const Dataset& data, uint64_t seed, int64_t n, bool dequantize);

Dataset mixture_dataset(const GaussianMixture& law, std::string description);
// The empirical law of `points` smoothed by std s (>= 0); `law` is set when N x d <= kMaxEmpiricalLaw.
constexpr int64_t kMaxEmpiricalLaw = int64_t(1) << 24;
Dataset points_dataset(Mat points, double smoothing, std::string description);
Dataset synthetic_dataset(const ImageSpec& spec);
// 8-bit images (pixels k), channel-first rows; `test` (optional) the held-out set.
struct ImageSet;
Dataset image_dataset(const ImageSet& train, const ImageSet* test, std::string description);

std::string data_kind_name(DataKind k);

}  // namespace td
