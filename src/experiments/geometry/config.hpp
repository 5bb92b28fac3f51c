#pragma once
// Configuration of the "geometry" experiment (docs/geometry.md, docs/keys/geometry.md): the geometry
// the score sees, per model. Along the forward process, the spectrum of the score's Jacobian at
// noisy points and the conditional entropy rate it carries (the review's identity, split by
// eigenvalue band); at chosen noise levels, the local intrinsic dimension of clean points, from the
// spectrum and from the noise derivative of log p (FLIPD-type), with the data's known answer
// beside them where it has one (manifold data). One [process]; [data] + [[models]] or [[cases]].
#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "experiments/case_config.hpp"
#include "nn/mlp.hpp"
#include "observe/score_spectrum.hpp"
#include "process/process.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct GeometrySpec {
  int nodes = 8;                     // profile times, uniform in ln sigma~ over the process's window
  int points = 64;                   // noisy points per profile time
  std::vector<double> sigmas;        // dimension's noise levels sigma~ (default: fractions of the data's spread)
  std::vector<double> sigma_fractions = {0.01, 0.03, 0.1, 0.3};  // ... those fractions
  int dimension_points = 128;        // clean points whose dimension is read, per level
  int probes = 0;                    // FLIPD's divergence: exact (0) or Hutchinson with k probes
  SpectrumOptions spectrum;
};

struct GeometryConfig : CasesConfig {
  GeometrySpec g;
  toml::table resolved;
};

GeometryConfig parse_geometry_config(const toml::table& root, const std::string& file);

}  // namespace td
