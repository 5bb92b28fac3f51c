#include "experiments/memorization/run.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/rng.hpp"
#include "core/stats.hpp"
#include "experiments/memorization/collapse.hpp"
#include "observe/intrinsic_dimension.hpp"
#include "observe/memorization.hpp"
#include "score/dataset_score.hpp"
#include "sim/ensemble.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// Where training sets and held-out rows come from: a file's rows in a random order (training set n:
// its first n rows, so the sets are nested; without a held-out set of its own, the first `held_out`
// rows of that order are set aside first), or draws of a law by id.
struct Rows {
  const Dataset& data;
  std::vector<int64_t> order;  // a file's rows, shuffled by (seed, Data) uniforms
  Mat held;
  std::string held_what;

  Rows(const Dataset& d, uint64_t seed, int held_out) : data(d) {
    if (d.kind != DataKind::Points && d.kind != DataKind::Images) {
      held = d.draw({seed, Stream::Test}, held_out);
      held_what = fmt::format("{} fresh draws of the data's law", held_out);
      return;
    }
    const Mat& all = *d.points;
    std::vector<uint64_t> ids(size_t(all.rows()));
    std::iota(ids.begin(), ids.end(), 0);
    Mat U;
    uniform_block({seed, Stream::Data}, ids.data(), int(ids.size()), 0, 1, U);
    order.resize(ids.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return U(a, 0) < U(b, 0) || (U(a, 0) == U(b, 0) && a < b); });
    if (d.held_out) {
      held = random_rows(*d.held_out, {seed, Stream::Test}, held_out).X;
      held_what = fmt::format("{} random rows of the held-out set", held.rows());
    } else {
      held.resize(held_out, all.cols());
      for (int i = 0; i < held_out; ++i) held.row(i) = all.row(order[size_t(i)]);
      order.erase(order.begin(), order.begin() + held_out);
      held_what = fmt::format("{} random rows of the file, set aside before any training set was drawn", held_out);
    }
  }
  Mat train(int n, uint64_t seed) const {
    if (order.empty()) return data.draw({seed, Stream::Data}, n);
    Mat X(n, data.points->cols());
    for (int i = 0; i < n; ++i) X.row(i) = data.points->row(order[size_t(i)]);
    return X;
  }
};

json quantiles(const std::vector<double>& v) {
  return {{"q10", quantile(v, 0.1)}, {"q50", quantile(v, 0.5)}, {"q90", quantile(v, 0.9)}};
}

json proportion_json(const Proportion& p) {
  return {{"fraction", p.value}, {"lo", p.lo}, {"hi", p.hi}, {"count", p.hits}, {"n", p.n}};
}

// The intrinsic dimension of the first samples (the model's score at sigma~; docs §8.3) beside the
// criterion: both readings over the samples it calls memorized and over the rest, and the rank
// correlation of the spectral one with d1/d2.
json dimension_beside(const MemorizationConfig& c, const Process& p, const Score& score, const Mat& gen,
                      const std::vector<double>& ratio, double sigma_tilde) {
  const int k = std::min<int>(c.dimension_samples, int(gen.rows()));
  const double t = p.time_at_sigma_tilde(sigma_tilde);
  const Mat X0 = gen.topRows(k);
  const SpectralDimension sd = spectral_dimension(score_spectra(score, p.alpha(t) * X0, t, SpectrumOptions{},
                                                                {c.seed, Stream::Geometry, 3}), p.sigma2(t));
  const NoiseDerivativeDimension nd = noise_derivative_dimension(score, p, X0, t, 0, {c.seed, Stream::Geometry, 4});
  std::vector<double> sm, sn, fm, fn, spec, rat;
  for (int i = 0; i < k; ++i) {
    const bool copy = ratio[size_t(i)] < c.threshold;
    (copy ? sm : sn).push_back(sd.dimension[i]);
    (copy ? fm : fn).push_back(nd.dimension[i]);
    spec.push_back(sd.dimension[i]), rat.push_back(ratio[size_t(i)]);
  }
  return {{"sigma_tilde", sigma_tilde}, {"t", t}, {"samples", k}, {"unresolved_samples", (sd.unresolved.array() > 0).count()},
          {"memorized", {{"spectral", mean_se_json(sm)}, {"flipd", mean_se_json(fm)}}},
          {"not_memorized", {{"spectral", mean_se_json(sn)}, {"flipd", mean_se_json(fn)}}},
          {"spearman_spectral_ratio", k > 2 ? finite_or_null(spearman(spec, rat)) : json(nullptr)}};
}

json measure(const MemorizationConfig& c, const Mat& gen, const Mat& train, const Mat& held, const Process& p,
             const Score* dimension_of = nullptr, double sigma_tilde = 0) {
  const MemorizationResult m = memorization(gen, train, held, c.threshold);
  std::vector<double> ratio;
  for (size_t i = 0; i < m.d1.size(); ++i) ratio.push_back(m.d1[i] / m.d2[i]);
  json j = {{"memorized", proportion_json(m.memorized)}, {"d1", quantiles(m.d1)}, {"d1_over_d2", quantiles(ratio)},
            {"d_held", quantiles(m.d_held)}};
  if (dimension_of && c.dimension_samples > 0) j["dimension"] = dimension_beside(c, p, *dimension_of, gen, ratio, sigma_tilde);
  return j;
}

// Image data: the first grid_images samples beside their nearest training image (pixels in [-1, 1]).
json image_grid(const MemorizationConfig& c, const Mat& gen, const Mat& train, const Mat& held) {
  const int k = std::min<int>(c.grid_images, int(gen.rows()));
  const MemorizationResult m = memorization(gen.topRows(k), train, held, c.threshold);
  json g = json::array();
  auto px = [](const RowVec& r) {
    json a = json::array();
    for (Eigen::Index j = 0; j < r.size(); ++j) a.push_back(std::round(std::clamp(r[j], -1.0, 1.0) * 1000) / 1000);
    return a;
  };
  for (int i = 0; i < k; ++i)
    g.push_back({{"sample", px(gen.row(i))}, {"nearest", px(train.row(m.nearest[size_t(i)]))}, {"ratio", m.d1[size_t(i)] / m.d2[size_t(i)]}});
  return g;
}

json run_size(const MemorizationConfig& c, const Process& p, const Rows& rows, int n, const RunContext& ctx, StageClock& clock) {
  const Mat train = rows.train(n, c.seed);
  const Dataset set = points_dataset(train, 0, fmt::format("{} training rows", n));
  json r = {{"n", n}};
  std::shared_ptr<const Score> model;
  const std::shared_ptr<const Score> exact = c.exact_reference ? exact_score(set, p) : nullptr;  // the empirical score
  clock.run("training", {"training.steps", "*memorization.sizes"}, [&] {
    json info;
    model = train_mlp_score(fmt::format("n{}", n), c.mlp, c.train, p, set.sampler({c.seed, Stream::Train}, 2), set.description,
                            c.seed, ctx, info);
    r["training"] = info;
  });
  const MemorizationResult b = memorization(rows.held, train, Mat(0, train.cols()), c.threshold);
  // Never below the process's window (the model was not trained there).
  const double sigma_d = std::max(c.dimension_sigma > 0 ? c.dimension_sigma : 0.25 * quantile(b.d1, 0.5), 2 * p.sigma_tilde(p.t_min()));
  clock.run("sampling", {"memorization.samples", "memorization.steps", "*memorization.sizes"}, [&] {
    for (const std::string& s : c.samplers) {
      ctx.log(fmt::format("memorization: n = {}, the model's {} samples", n, s));
      const Mat gen = sample_denoised(p, *model, c.samples, c.steps, s == "ode", c.seed);
      r["model"][s] = measure(c, gen, train, rows.held, p, model.get(), sigma_d);
      if (s == c.samplers.front() && rows.data.kind == DataKind::Images) r["grid"] = image_grid(c, gen, train, rows.held);
    }
    if (exact)
      for (const std::string& s : c.samplers) r["exact"][s] = measure(c, sample_denoised(p, *exact, c.samples, c.steps, s == "ode", c.seed), train, rows.held, p);
  });
  Models models = {{"model", model.get()}};
  if (exact) models.emplace_back("exact", exact.get());
  if (c.collapse.paths > 0)
    clock.run("collapse", {"collapse.paths", "memorization.steps", "*memorization.sizes"}, [&] {
      ctx.log(fmt::format("memorization: n = {}, the models' collapse", n));
      r["collapse"] = collapse_readings(c, p, train, rows.held, models);
    });
  if (c.collapse.cloning_paths > 0)
    clock.run("cloning", {"collapse.cloning_paths", "memorization.steps", "collapse.branches", "*memorization.sizes"}, [&] {
      ctx.log(fmt::format("memorization: n = {}, the models' cloning", n));
      r["cloning"] = cloning_readings(c, p, train, models);
    });
  r["baseline"] = proportion_json(b.memorized);
  r["baseline_d1"] = quantiles(b.d1);  // how far fresh data lies from the training set: d1's yardstick
  return r;
}

}  // namespace

json run_memorization_experiment(const MemorizationConfig& c, const RunContext& ctx) {
  const auto t0 = Clock::now();
  StageClock clock;
  const Process p(c.process);
  const Rows rows(*c.data, c.seed, c.held_out);
  json out;
  out["process"] = process_record(p);
  out["data"] = {{"description", c.data->description}, {"D", c.data->dim}, {"kind", data_kind_name(c.data->kind)}};
  if (c.data->kind == DataKind::Images)
    out["data"]["image"] = {{"channels", c.data->channels}, {"height", c.data->height}, {"width", c.data->width}};
  out["held_out"] = {{"rows", rows.held.rows()}, {"what", rows.held_what}};
  out["settings"] = {{"sizes", c.sizes}, {"samples", c.samples}, {"steps", c.steps}, {"samplers", c.samplers},
                     {"threshold", c.threshold}, {"exact_reference", c.exact_reference}, {"training_steps", c.train.steps},
                     {"collapse", {{"paths", c.collapse.paths}, {"readings", c.collapse.readings}, {"threshold", c.collapse.threshold},
                                   {"entropy_samples", c.collapse.entropy_samples}, {"cloning_paths", c.collapse.cloning_paths},
                                   {"branches", c.collapse.branches}, {"bootstrap", c.collapse.bootstrap}}}};
  out["units"] = {{"distances", "Euclidean, data units"}, {"fraction", "share of samples with d1/d2 < threshold, 95% Wilson interval"},
                  {"t", "the process's own time"}, {"sigma_tilde", "noise level sigma/alpha, data units"},
                  {"entropy", "nats per dimension"}, {"eps", "(1/d) |eps_model - eps_ref|^2, dimensionless"},
                  {"intervals", "95% bootstrap"}};
  out["runs"] = json::array();
  for (int n : c.sizes) {
    ctx.log(fmt::format("memorization: n = {}", n));
    out["runs"].push_back(run_size(c, p, rows, n, ctx, clock));
  }
  out["timing_s"] = clock.record(t0);
  return out;
}

}  // namespace td
