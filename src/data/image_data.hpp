#pragma once
// Synthetic "images" of D = side x side independent pixels (Kodama & Hinczewski's data, docs §3):
//   uniform8 : 8-bit pixels k ~ U{0..255}, dequantized x = (k + u)/256 with u ~ U[0, 1), so x is
//              U[0, 1)^D exactly: S0 = 0 nats (8 bits/dim), exact score per pixel (UniformScore);
//   gaussian : continuous pixels N(mean, std^2): S0 = (D/2) ln(2 pi e std^2), exact score closed form.
// Draws are functions of (seed, stream, sample id): Stream::Data for training, Stream::Test for
// the held-out images the likelihood and the entropy rates use.
#include <memory>
#include <string>

#include "core/rng.hpp"
#include "data/data_fn.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

enum class ImageKind { Uniform8, Gaussian };
ImageKind parse_image_kind(const std::string& name);  // "uniform8" | "gaussian"; throws InputError
std::string image_kind_name(ImageKind k);

struct ImageSpec {
  ImageKind kind = ImageKind::Uniform8;
  int side = 8;         // D = side^2 pixels
  double mean = 0.5;    // gaussian
  double std = 0.2;     // gaussian
  int pixels() const { return side * side; }
  void validate(const std::string& where) const;  // throws InputError

  DataFn sampler(const RngKey& key, uint64_t step = 0) const;  // uses step (uniform8) or step, step + 1 (gaussian)
  GaussianMixture gaussian_law() const;  // gaussian: the pixels' law as a one-component mixture
  double entropy() const;         // S0 [nats], the whole image
  double second_moment() const;   // E|x_0|^2
  bool quantized() const { return kind == ImageKind::Uniform8; }  // report bits/dim
  std::string describe() const;
};

}  // namespace td
