#include "data/image_data.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "data/mixture.hpp"

namespace td {

ImageKind parse_image_kind(const std::string& name) {
  if (name == "uniform8") return ImageKind::Uniform8;
  if (name == "gaussian") return ImageKind::Gaussian;
  throw InputError("unknown image data '" + name + "' (expected uniform8 or gaussian)");
}

std::string image_kind_name(ImageKind k) { return k == ImageKind::Uniform8 ? "uniform8" : "gaussian"; }

void ImageSpec::validate(const std::string& where) const {
  if (side < 1 || side > 64) throw InputError(fmt::format("{}: side = {} must be in [1, 64]", where, side));
  if (kind == ImageKind::Gaussian && !(std > 0)) throw InputError(fmt::format("{}: std = {} must be > 0", where, std));
  if (!std::isfinite(mean)) throw InputError(fmt::format("{}: mean must be finite", where));
}

GaussianMixture ImageSpec::gaussian_law() const {
  GaussianMixture g;
  g.weights = Vec::Ones(1);
  g.means = Mat::Constant(1, pixels(), mean);
  g.vars = Mat::Constant(1, pixels(), std * std);
  return g;
}

DataFn ImageSpec::sampler(const RngKey& key, uint64_t step) const {
  const int d = pixels();
  if (kind == ImageKind::Gaussian) {
    const GaussianMixture g = gaussian_law();
    return mixture_data(g, key, step);
  }
  return [d, key, step](const uint64_t* ids, int n, Mat& X) {
    Mat U;
    uniform_block(key, ids, n, step, 2 * d, U);  // columns [0, d): the 8-bit level, [d, 2d): dequantization
    X.resize(n, d);
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < n; ++i) X(i, j) = (std::floor(256.0 * U(i, j)) + U(i, d + j)) / 256.0;
  };
}

double ImageSpec::entropy() const {
  return kind == ImageKind::Uniform8 ? 0.0 : 0.5 * pixels() * std::log(2 * M_PI * M_E * std * std);
}

double ImageSpec::second_moment() const {
  return pixels() * (kind == ImageKind::Uniform8 ? 1.0 / 3.0 : mean * mean + std * std);
}

std::string ImageSpec::describe() const {
  if (kind == ImageKind::Uniform8)
    return fmt::format("uniform 8-bit {}x{} images (D = {}), dequantized to U[0,1)^D", side, side, pixels());
  return fmt::format("Gaussian {}x{} images (D = {}), pixels N({}, {}^2)", side, side, pixels(), mean, std);
}

}  // namespace td
