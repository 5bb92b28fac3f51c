#include "data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <numeric>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/image_sets.hpp"
#include "data/points_file.hpp"

namespace td {

std::string data_kind_name(DataKind k) {
  switch (k) {
    case DataKind::Mixture: return "mixture";
    case DataKind::Points: return "points";
    case DataKind::Synthetic: return "synthetic";
    case DataKind::Images: return "images";
  }
  return "?";
}

namespace {

// Rows of `points` chosen uniformly by the uniform of (key, id, step), plus `noise` times
// (the normals of step + 1, or the uniforms of step + 1 for a dequantization box of that width).
DataFn set_sampler(std::shared_ptr<const Mat> points, const RngKey& key, uint64_t step, double gauss_std, double box) {
  return [points, key, step, gauss_std, box](const uint64_t* ids, int n, Mat& X) {
    sample_points(*points, key, ids, n, step, X);
    if (gauss_std > 0) {
      Mat Z;
      normal_block(key, ids, n, step + 1, int(points->cols()), Z);
      X += gauss_std * Z;
    } else if (box > 0) {
      Mat U;
      uniform_block(key, ids, n, step + 1, int(points->cols()), U);
      X.array() += box * (U.array() - 0.5);
    }
  };
}

GaussianMixture empirical_law(const Mat& points, double smoothing) {
  GaussianMixture g;
  g.weights = Vec::Constant(points.rows(), 1.0 / double(points.rows()));
  g.means = points;
  g.vars = Mat::Constant(points.rows(), points.cols(), smoothing * smoothing);
  return g;
}

}  // namespace

DataFn Dataset::sampler(const RngKey& key, uint64_t step) const {
  if (kind == DataKind::Points) return set_sampler(points, key, step, smoothing, 0);
  if (kind == DataKind::Images) return set_sampler(points, key, step, 0, quant_width / 256);
  if (kind == DataKind::Synthetic) return synthetic->sampler(key, step);
  return mixture_data(*law, key, step);
}

RowSubset random_rows(const Mat& rows, const RngKey& key, int64_t n) {
  RowSubset s;
  s.of = rows.rows();
  if (n >= s.of) {
    s.X = rows, s.all = true, s.what = fmt::format("all {} rows", s.of);
    s.rows.resize(size_t(s.of));
    std::iota(s.rows.begin(), s.rows.end(), 0);
    return s;
  }
  std::vector<std::pair<double, int64_t>> order(static_cast<size_t>(s.of));
  for (int64_t i = 0; i < s.of; ++i) order[size_t(i)] = {uniform_at(key, uint64_t(i), 0, 0), i};
  std::nth_element(order.begin(), order.begin() + n, order.end());
  std::sort(order.begin(), order.begin() + n, [](const auto& a, const auto& b) { return a.second < b.second; });
  s.X.resize(n, rows.cols());
  for (int64_t i = 0; i < n; ++i) s.X.row(i) = rows.row(order[size_t(i)].second), s.rows.push_back(order[size_t(i)].second);
  s.what = fmt::format("{} of {} rows (random, seed {})", n, s.of, key.seed);
  return s;
}

Mat Dataset::draw(const RngKey& key, int64_t n) const {
  if (n < 1) throw InputError(fmt::format("data set: n = {} must be >= 1", n));
  const int64_t np = (n + kLanes - 1) / kLanes * kLanes;  // whole lanes, the samplers' unit
  std::vector<uint64_t> ids(static_cast<size_t>(np));
  for (int64_t i = 0; i < np; ++i) ids[size_t(i)] = uint64_t(i);
  Mat X;
  sampler(key)(ids.data(), int(np), X);
  return X.topRows(n);
}

std::optional<double> Dataset::entropy() const {
  if (synthetic) return synthetic->entropy();
  if (law && law->K() == 1 && (law->vars.array() > 0).all())
    return 0.5 * (Eigen::log(2 * M_PI * M_E * law->vars.row(0).array())).sum();
  return std::nullopt;
}

double Dataset::second_moment() const {
  if (synthetic) return synthetic->second_moment();
  if (kind == DataKind::Mixture) {
    double m2 = 0;
    for (int k = 0; k < law->K(); ++k) m2 += law->weights[k] * (law->means.row(k).squaredNorm() + law->vars.row(k).sum());
    return m2;
  }
  const double box = kind == DataKind::Images ? quant_width / 256 : 0;
  return points->rowwise().squaredNorm().mean() + dim * (smoothing * smoothing + box * box / 12);
}

Mat Dataset::box_centres(const Mat& X) const {
  const double box = quant_width / 256;
  return X.unaryExpr([&](double x) { return quant_offset + box * (std::floor((x - quant_offset) / box) + 0.5); });
}

double Dataset::bits_per_dim(double nats) const {
  return nats / (dim * std::log(2.0)) + 8 - std::log2(quant_width);
}

Dataset mixture_dataset(const GaussianMixture& law, std::string description) {
  law.validate("data");
  Dataset d;
  d.kind = DataKind::Mixture;
  d.description = std::move(description);
  d.dim = law.dim();
  d.law = law;
  return d;
}

Dataset points_dataset(Mat points, double smoothing, std::string description) {
  if (points.rows() < 1) throw InputError(description + ": no points");
  if (!(smoothing >= 0) || !std::isfinite(smoothing))
    throw InputError(fmt::format("{}: std = {} must be >= 0", description, smoothing));
  Dataset d;
  d.kind = DataKind::Points;
  d.description = std::move(description);
  d.dim = int(points.cols());
  d.smoothing = smoothing;
  // The empirical law as a mixture (N components, each scored at every evaluation): up to 2^24
  // numbers; beyond, the set is only sampled (the reader says so where a law is needed).
  if (points.size() <= kMaxEmpiricalLaw) d.law = empirical_law(points, smoothing);
  d.points = std::make_shared<const Mat>(std::move(points));
  return d;
}

Dataset synthetic_dataset(const ImageSpec& spec) {
  spec.validate("data");
  Dataset d;
  d.kind = DataKind::Synthetic;
  d.description = spec.describe();
  d.dim = spec.pixels();
  d.synthetic = spec;
  d.quantized = spec.quantized();
  d.height = d.width = spec.side;
  return d;
}

Dataset image_dataset(const ImageSet& train, const ImageSet* test, std::string description) {
  if (train.n < 1) throw InputError(description + ": no images");
  // The centres of the dequantization boxes: x = 2 (k + 1/2) / 256 - 1.
  auto centres = [](const ImageSet& s) {
    const int D = s.dim();
    Mat X(s.n, D);
    for (int i = 0; i < s.n; ++i)
      for (int j = 0; j < D; ++j) X(i, j) = 2.0 * (s.pixels[size_t(i) * size_t(D) + size_t(j)] + 0.5) / 256.0 - 1.0;
    return X;
  };
  Dataset d;
  d.kind = DataKind::Images;
  d.description = std::move(description);
  d.dim = train.dim();
  d.channels = train.channels, d.height = train.height, d.width = train.width;
  d.points = std::make_shared<const Mat>(centres(train));
  d.labels.assign(train.labels.begin(), train.labels.end());
  if (test) {
    if (test->dim() != train.dim())
      throw InputError(fmt::format("{}: the held-out images are {}x{}x{}, the training images {}x{}x{}", d.description,
                                   test->channels, test->height, test->width, train.channels, train.height, train.width));
    d.held_out = std::make_shared<const Mat>(centres(*test));
    d.held_out_labels.assign(test->labels.begin(), test->labels.end());
  }
  d.quantized = true;
  d.quant_width = 2;
  d.quant_offset = -1;
  return d;
}

// (docs/likelihood.md#defaults: never the first n rows, a sorted file would bias every estimate.)
RowSubset evaluation_points(const Dataset& data, uint64_t seed, int64_t n, bool dequantize) {
  const RngKey key(seed, Stream::Test);
  RowSubset e;
  if (data.kind == DataKind::Points || data.kind == DataKind::Images) {
    e = random_rows(data.held_out ? *data.held_out : *data.points, key, n);
    e.what += data.held_out ? " of the held-out set" : data.kind == DataKind::Images ? " of the image set" : " of the points file";
    if (data.quantized && dequantize) {
      std::vector<uint64_t> ids(size_t(e.X.rows()));
      for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
      Mat U;
      uniform_block(key, ids.data(), int(ids.size()), 1, int(e.X.cols()), U);  // step 0: the subset's uniforms
      e.X.array() += data.quant_width / 256 * (U.array() - 0.5);
    }
  } else {
    e.X = data.draw(key, n);
    e.what = fmt::format("{} fresh draws of the data's law (seed {})", n, seed);
  }
  if (data.quantized && !dequantize) e.X = data.box_centres(e.X);
  return e;
}

}  // namespace td
