#include "experiments/geometry/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/network_config.hpp"

namespace td {
namespace {

void read_geometry(ConfigReader& r, GeometryConfig& c) {
  GeometrySpec& g = c.g;
  ConfigReader s = r.section("geometry", "the spectrum along t and the intrinsic dimension at noise levels, per model");
  g.nodes = s.int32("nodes", g.nodes, "profile times, uniform in ln sigma~ over [t_min, T]");
  g.points = s.int32("points", g.points, "noisy points x_t per profile time whose spectrum is taken");
  g.sigmas = s.numbers("sigmas", std::vector<double>{}, "noise levels sigma~ of the intrinsic dimension (default: sigma_fractions of the data's spread)");
  g.sigma_fractions = s.numbers("sigma_fractions", g.sigma_fractions,
      "without sigmas: the levels as fractions of the data's spread sqrt(E|x_0 - E x_0|^2)");
  g.dimension_points = s.int32("dimension_points", g.dimension_points, "clean points whose dimension is read at each level");
  g.probes = s.int32("probes", g.probes, "the noise-derivative dimension's divergence: exact (0, d + 1 passes) or Hutchinson with k probes");
  g.spectrum.full_max_dim = s.int32("full_max_dim", g.spectrum.full_max_dim, "the full Jacobian (d products per point) up to this d; above it block Lanczos");
  g.spectrum.block = s.int32("block", g.spectrum.block, "Lanczos: starting vectors per point (finds that many copies of a repeated eigenvalue)");
  g.spectrum.steps = s.int32("steps", g.spectrum.steps, "Lanczos: blocks per point (block x steps products, at most d)");
  s.require(g.nodes >= 1 && g.nodes <= 1000, "nodes", "must be in [1, 1000]");
  s.require(g.points >= 2 && g.points <= 1 << 16, "points", "must be in [2, 65536]");
  s.require(g.dimension_points >= 2 && g.dimension_points <= 1 << 16, "dimension_points", "must be in [2, 65536]");
  s.require(g.probes >= 0 && g.probes <= 64, "probes", "must be in [0, 64] (0: exact divergence)");
  const Process p(c.process);
  const double lo = p.sigma_tilde(p.t_min()), hi = p.sigma_tilde(p.T());
  for (double v : g.sigmas)
    s.require(v >= lo && v <= hi, "sigmas",
              fmt::format("noise level {} is outside the process's window [sigma~(t_min), sigma~(T)] = [{:.4g}, {:.4g}] (the model "
                          "was never trained there): lower process.t_min or choose levels inside it", v, lo, hi));
  s.require(!g.sigma_fractions.empty() || !g.sigmas.empty(), "sigma_fractions", "needs at least one level");
  for (double v : g.sigma_fractions) s.require(v > 0, "sigma_fractions", fmt::format("fractions must be > 0 (got {})", v));
  try {
    g.spectrum.validate("geometry");
  } catch (const InputError& e) {
    s.fail("full_max_dim", e.what());
  }
  s.require(c.process.t_min > 0, "nodes", "needs process.t_min > 0 (the spectrum at sigma = 0 is not defined)");
  s.finish();
}

}  // namespace

GeometryConfig parse_geometry_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  GeometryConfig c;
  read_cases_config(r, "geometry", "The geometry the score sees: Jacobian spectra and intrinsic dimension", c);
  read_geometry(r, c);
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td
