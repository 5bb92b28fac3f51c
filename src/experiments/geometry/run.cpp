#include "experiments/geometry/run.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/stats.hpp"
#include "experiments/models.hpp"
#include "observe/intrinsic_dimension.hpp"
#include "observe/spectral_profile.hpp"
#include "score/mixture_kernels.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// Stream::Geometry's substreams (core/rng.hpp), shared by every model (paired comparisons); the
// profile's noise and Lanczos starts are 1 and 2 (observe/spectral_profile).
enum GeometryDraw : uint32_t { kProfileData = 0, kDimensionLanczos = 3, kProbes = 4 };

// The profile's times: uniform in ln sigma~ over the process's window (its geometric middle for one).
std::vector<double> profile_times(const Process& p, int nodes) {
  const double a = p.log_sigma_tilde(p.t_min()), b = p.log_sigma_tilde(p.T());
  std::vector<double> t;
  for (int k = 0; k < nodes; ++k) {
    const double u = nodes == 1 ? 0.5 : double(k) / (nodes - 1);
    t.push_back(std::clamp(p.time_at_sigma_tilde(std::exp(a + u * (b - a))), p.t_min(), p.T()));
  }
  return t;
}

// The data's spread sqrt(E|x_0 - E x_0|^2) on the clean points.
double spread(const Mat& X0) {
  const RowVec mu = X0.colwise().mean();
  return std::sqrt((X0.rowwise() - mu).rowwise().squaredNorm().mean());
}

// The dimension's noise levels: the given ones, or fractions of the spread; each inside the process's window.
std::vector<double> dimension_levels(const GeometrySpec& g, const Process& p, double s, std::vector<std::string>& flags,
                                     const std::string& where) {
  std::vector<double> levels = g.sigmas;
  if (levels.empty())
    for (double f : g.sigma_fractions) levels.push_back(f * s);
  const double lo = p.sigma_tilde(p.t_min()), hi = p.sigma_tilde(p.T());
  std::vector<double> kept;
  for (double v : levels) {
    if (v >= lo && v <= hi) kept.push_back(v);
    else flags.push_back(fmt::format("{}: the dimension at sigma~ = {:.4g} is outside the process's window [{:.4g}, {:.4g}] "
                                     "(the model was never trained there): skipped; lower process.t_min or give geometry.sigmas",
                                     where, v, lo, hi));
  }
  return kept;
}

json profile_json(const SpectralProfile& pr, const Process& p) {
  json j = {{"t", vec_json(pr.t)}, {"sigma2", vec_json(pr.sigma2)}, {"full", pr.full}, {"asymmetry", vec_json(pr.asymmetry)}};
  std::vector<double> st;
  for (double t : pr.t) st.push_back(p.sigma_tilde(t));
  j["sigma_tilde"] = vec_json(st);
  json mv = json::array(), ms = json::array(), br = json::array(), bc = json::array();
  for (Eigen::Index k = 0; k < pr.mean_values.rows(); ++k) {
    mv.push_back(vec_json(pr.mean_values.row(k))), ms.push_back(vec_json(pr.se_values.row(k)));
    br.push_back(vec_json(pr.band_rate.row(k))), bc.push_back(vec_json(pr.band_count.row(k)));
  }
  j["mean_values"] = mv, j["se_values"] = ms;
  j["rate_spectrum"] = {{"value", vec_json(pr.rate_spectrum)}, {"se", vec_json(pr.rate_spectrum_se)}};
  j["rate_score_norm"] = {{"value", vec_json(pr.rate_score_norm)}, {"se", vec_json(pr.rate_score_norm_se)}};
  j["difference_se"] = vec_json(pr.difference_se);
  j["bands"] = {{"edges", vec_json(std::vector<double>(kSpectralBandEdges, kSpectralBandEdges + kSpectralBands - 1))},
                {"rate", br}, {"count", bc}};
  return j;
}

// Each clean point's known dimension: that of its most likely component (manifold data only).
std::vector<int> known_dimensions(const Dataset& data, const Process& p, double t, const Mat& X0) {
  if (data.component_dims.empty() || !data.law) return {};
  Mat R;
  mixture_responsibilities(data.law->marginal(p.alpha(t), p.sigma2(t)), p.alpha(t) * X0, R);
  std::vector<int> k(size_t(X0.rows()));
  for (Eigen::Index i = 0; i < X0.rows(); ++i) {
    Eigen::Index c;
    R.row(i).maxCoeff(&c);
    k[size_t(i)] = data.component_dims[size_t(c)];
  }
  return k;
}

// Per value of `keys` (a known dimension, a class): the mean (and SE) of both readings over its points.
json grouped(const std::vector<int>& keys, const char* name, const Vec& spectral, const Vec& flipd) {
  json out = json::array();
  std::vector<int> values = keys;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (int k : values) {
    std::vector<Eigen::Index> rows;
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == k) rows.push_back(Eigen::Index(i));
    Vec a(Eigen::Index(rows.size())), b(Eigen::Index(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) a[Eigen::Index(i)] = spectral[rows[i]], b[Eigen::Index(i)] = flipd[rows[i]];
    out.push_back({{name, k}, {"points", rows.size()}, {"spectral", mean_se_json(a)}, {"flipd", mean_se_json(b)}});
  }
  return out;
}

// The class of each clean point, where the data has labels (image sets read with their label files).
std::vector<int> labels_of(const Dataset& data, const RowSubset& rows) {
  const std::vector<int>& all = data.held_out ? data.held_out_labels : data.labels;
  std::vector<int> out;
  if (all.empty() || rows.rows.empty()) return out;
  for (int64_t r : rows.rows) out.push_back(all[size_t(r)]);
  return out;
}

json dimension_json(const Score& score, const Process& p, const Dataset& data, const GeometrySpec& g, const Mat& X0,
                    const std::vector<int>& labels, const std::vector<double>& levels, uint64_t seed) {
  json out = json::array();
  const int n = int(X0.rows()), d = int(X0.cols());
  for (size_t l = 0; l < levels.size(); ++l) {
    const double t = p.time_at_sigma_tilde(levels[l]);
    const uint64_t first = uint64_t(l) * uint64_t(n);
    const PointSpectra sp = score_spectra(score, p.alpha(t) * X0, t, g.spectrum, {seed, Stream::Geometry, kDimensionLanczos}, first);
    const SpectralDimension sd = spectral_dimension(sp, p.sigma2(t));
    const NoiseDerivativeDimension nd = noise_derivative_dimension(score, p, X0, t, g.probes, {seed, Stream::Geometry, kProbes}, first);
    std::vector<int64_t> counts(size_t(d) + 1, 0);
    for (double v : sd.dimension) counts[size_t(v)]++;
    json j = {{"sigma_tilde", levels[l]}, {"t", t}, {"full", sp.full},
              {"spectral", mean_se_json(sd.dimension)}, {"flipd", mean_se_json(nd.dimension)},
              {"flipd_hutchinson_se", finite_or_null(std::sqrt(nd.se.squaredNorm()) / n)},
              {"spectral_counts", counts}, {"unresolved_points", (sd.unresolved.array() > 0).count()},
              {"asymmetry", finite_or_null(sp.asymmetry.mean())},
              {"per_point", {{"spectral", vec_json(sd.dimension)}, {"flipd", vec_json(nd.dimension)}}}};
    const std::vector<int> known = known_dimensions(data, p, t, X0);
    if (!known.empty()) j["by_known"] = grouped(known, "known", sd.dimension, nd.dimension);
    if (!labels.empty()) j["by_label"] = grouped(labels, "label", sd.dimension, nd.dimension);
    out.push_back(std::move(j));
  }
  return out;
}

json run_model(const GeometryConfig& cfg, const DataCase& cs, const ModelSpec& ms, const RunContext& ctx, StageClock& clock,
               const RowSubset& clean, const std::vector<double>& levels) {
  const Process p(cfg.process);
  json rec = {{"name", ms.name}, {"kind", ms.kind()}};
  std::shared_ptr<const Score> score;
  clock.run("model", {"models.training.steps"}, [&] { score = build_case_model(cs, ms, p, cfg.seed, ctx, rec); });
  rec["describe"] = score->describe();
  if (!score->has_jacobian_products())
    throw InputError(fmt::format("geometry: model '{}' ({}) has no Jacobian-vector products", ms.name, score->describe()));
  const GeometrySpec& g = cfg.g;
  clock.run("profile", {"geometry.points", "geometry.nodes"}, [&] {
    ctx.log(fmt::format("geometry: {} / {}: the spectrum along t", cs.name, ms.name));
    SpectralProfileOptions o{profile_times(p, g.nodes), g.points, g.spectrum, cfg.seed};
    rec["profile"] = profile_json(spectral_profile(*score, p, cs.data->sampler({cfg.seed, Stream::Geometry, kProfileData}), o), p);
  });
  clock.run("dimension", {"geometry.dimension_points"}, [&] {
    ctx.log(fmt::format("geometry: {} / {}: the intrinsic dimension", cs.name, ms.name));
    rec["dimension"] = dimension_json(*score, p, *cs.data, g, clean.X, labels_of(*cs.data, clean), levels, cfg.seed);
  });
  return rec;
}

}  // namespace

json run_geometry_experiment(const GeometryConfig& cfg, const RunContext& ctx) {
  const auto t_start = Clock::now();
  StageClock clock;
  const Process p(cfg.process);
  json out;
  out["process"] = process_record(p);
  const GeometrySpec& g = cfg.g;
  out["settings"] = {{"nodes", g.nodes}, {"points", g.points}, {"dimension_points", g.dimension_points}, {"probes", g.probes},
                     {"full_max_dim", g.spectrum.full_max_dim}, {"block", g.spectrum.block}, {"steps", g.spectrum.steps},
                     {"level", "spectral dimension: the count of sigma^2 lambda > -1/2"}};
  out["units"] = {{"eigenvalues", "1/x^2 (the score's Jacobian in the process's own coordinates x)"},
                  {"rate", "nats per unit of the process's time t"}, {"sigma_tilde", "noise level sigma/alpha (EDM)"},
                  {"dimension", "directions (of d)"}};
  out["cases"] = json::array();
  std::vector<std::string> flags;
  for (const DataCase& cs : cfg.cases) {
    const RowSubset rows = evaluation_points(*cs.data, cfg.seed, g.dimension_points, false);
    const std::vector<double> levels = dimension_levels(g, p, spread(rows.X), flags, fmt::format("case '{}'", cs.name));
    json c = {{"name", cs.name},
              {"data", {{"description", cs.data->description}, {"D", cs.data->dim}, {"kind", data_kind_name(cs.data->kind)},
                        {"spread", spread(rows.X)}, {"points", rows.what}}},
              {"levels", vec_json(levels)}, {"models", json::array()}};
    if (!cs.data->component_dims.empty()) c["data"]["component_dims"] = cs.data->component_dims;
    for (const ModelSpec& ms : cs.models) c["models"].push_back(run_model(cfg, cs, ms, ctx, clock, rows, levels));
    out["cases"].push_back(std::move(c));
  }
  out["flags"] = flags;
  out["timing_s"] = clock.record(t_start);
  return out;
}

}  // namespace td
