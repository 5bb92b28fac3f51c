#include "experiments/learning/run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/progress.hpp"
#include "data/image_sets.hpp"
#include "nn/network.hpp"
#include "observe/coverage.hpp"
#include "observe/taep.hpp"
#include "sim/ensemble.hpp"
#include "sim/noise.hpp"
#include "train/unet_curvature.hpp"
#include "train/unet_train.hpp"

namespace td {
namespace {

using json = nlohmann::json;

// Least-squares slope of ln y on ln x with its SE, over pairs with both positive.
json power_fit(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  int n = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0) || !(y[i] > 0)) continue;
    const double a = std::log(x[i]), b = std::log(y[i]);
    sx += a, sy += b, sxx += a * a, sxy += a * b, syy += b * b, ++n;
  }
  if (n < 3) return {{"n", n}, {"slope", nullptr}, {"slope_se", nullptr}};
  const double mx = sx / n, my = sy / n, vxx = sxx / n - mx * mx, vxy = sxy / n - mx * my, vyy = syy / n - my * my;
  const double slope = vxy / vxx, resid = std::max(0.0, vyy - slope * vxy);
  const double se = std::sqrt(resid / ((n - 2) * vxx));
  return {{"n", n}, {"slope", slope}, {"slope_se", se}, {"ci95", {slope - 1.96 * se, slope + 1.96 * se}},
          {"intercept", my - slope * mx}, {"r", vxy / std::sqrt(vxx * vyy)}};
}

json curvature_json(const LossCurvature& c) {
  json layers = json::array();
  std::vector<double> all_h, all_c;
  for (size_t l = 0; l < c.layers.size(); ++l) {
    std::vector<int> idx;
    for (size_t i = 0; i < c.entry_layer.size(); ++i)
      if (c.entry_layer[i] == int(l)) idx.push_back(int(i));
    std::vector<double> h, cv;
    double trh = 0, trc = 0;
    for (size_t a = 0; a < idx.size(); ++a) {
      trh += c.hessian(idx[a], idx[a]), trc += c.covariance(idx[a], idx[a]);
      for (size_t b = a; b < idx.size(); ++b) h.push_back(std::abs(c.hessian(idx[a], idx[b]))), cv.push_back(std::abs(c.covariance(idx[a], idx[b])));
    }
    all_h.insert(all_h.end(), h.begin(), h.end());
    all_c.insert(all_c.end(), cv.begin(), cv.end());
    // Entries for the scatter, thinned to at most 400 per layer (every k-th, deterministic).
    const size_t step = std::max<size_t>(1, h.size() / 400);
    std::vector<double> hs, cs;
    for (size_t i = 0; i < h.size(); i += step) hs.push_back(h[i]), cs.push_back(cv[i]);
    layers.push_back({{"layer", c.layers[l]}, {"entries", idx.size()}, {"trace_hessian", trh}, {"trace_covariance", trc},
                      {"fit", power_fit(h, cv)}, {"scatter", {{"hessian", hs}, {"covariance", cs}}}});
  }
  return {{"layers", layers}, {"fit_all", power_fit(all_h, all_c)}};
}

}  // namespace

json run_learning_experiment(const LearningConfig& c, const RunContext& ctx) {
  const auto t0 = Clock::now();
  json timing;
  const Dataset& images = c.data;
  if (images.channels != c.unet.channels || images.height != c.unet.side || images.width != c.unet.side)
    throw InputError(fmt::format("learning: the images are {}x{}x{}, the U-Net expects {}x{}x{}", images.channels, images.height,
                                 images.width, c.unet.channels, c.unet.side, c.unet.side));
  const int64_t n_images = images.points->rows();
  const Process p(c.process);
  // Train steps 0 and 1 are the DSM loop's times and noise (train/dsm_loop.cpp): the images at step 2.
  const DataFn data = images.sampler({c.seed, Stream::Train}, 2);  // steps 2 and 3
  const int d = c.unet.dim();
  ctx.log(fmt::format("learning: {} images {}x{}x{} ({}), U-Net base {}, {} steps in {} snapshots", n_images, images.channels,
                      images.height, images.width, c.data_kind, c.unet.base, c.train.steps, c.snapshots));

  // Training in segments: each resumes the previous one's checkpoint exactly, so the snapshots lie on
  // one training run. Each snapshot's checkpoint and loss record stay in the checkpoint directory, so
  // a resumed run (--resume) loads the snapshots it has and trains on from the last one.
  namespace fs = std::filesystem;
  const bool own_dir = ctx.checkpoint_dir.empty();
  const fs::path dir = own_dir ? fs::path(ctx.out_dir) / ".learning-checkpoints" : fs::path(ctx.checkpoint_dir);
  fs::create_directories(dir);
  const std::string work = (dir / "unet-training.ckpt").string();
  std::vector<int64_t> at;
  std::vector<UNetTrainResult> snaps;
  json curve_step = json::array(), curve_loss = json::array();
  {
    const auto ts0 = Clock::now();
    set_progress_stage("train U-Net");
    for (int k = 1; k <= c.snapshots; ++k) {
      const fs::path snap = dir / fmt::format("unet-snapshot-{}.ckpt", k), record = dir / fmt::format("unet-snapshot-{}.json", k);
      const bool saved = fs::exists(snap) && fs::exists(record);
      TrainSpec ts = c.train;
      ts.seed = c.seed, ts.threads = ctx.threads, ts.progress = !ctx.quiet;
      ts.checkpoint = saved ? snap.string() : work;  // a saved snapshot loads and trains no step
      ts.checkpoint_every = c.train.steps;           // only at the segment ends
      const int64_t stop = c.train.steps * k / c.snapshots;
      ts.stop_at = k == c.snapshots ? -1 : stop;
      if (!saved) {  // continue from the previous snapshot (a partial segment is trained again)
        remove_tree(work);
        if (k > 1) fs::copy_file(dir / fmt::format("unet-snapshot-{}.ckpt", k - 1), work);
      }
      snaps.push_back(train_unet(c.unet, p, data, ts));
      UNetTrainResult& s = snaps.back();
      if (saved) {
        std::ifstream f(record);
        const json j = json::parse(f);
        s.curve = j["curve"].get<std::vector<std::pair<int64_t, double>>>();
        s.smoothed_loss = j["smoothed_loss"], s.last_loss = j["last_loss"];
        ctx.log(fmt::format("train: snapshot {} at step {} taken from the interrupted run", k, stop));
      } else {
        fs::rename(work, snap);
        write_file_atomically(record.string(),
                              json{{"curve", s.curve}, {"smoothed_loss", s.smoothed_loss}, {"last_loss", s.last_loss}}.dump());
      }
      at.push_back(stop);
      for (const auto& [st, l] : s.curve) curve_step.push_back(st), curve_loss.push_back(l);
      ctx.log(fmt::format("train: snapshot {} at step {}, loss {:.4f}", k, stop, s.smoothed_loss));
    }
    if (own_dir) remove_tree(dir.string());
    timing["training"] = seconds_since(ts0);
  }
  const UNetNet& final_net = *snaps.back().ema;
  std::vector<std::shared_ptr<NetworkScore>> scores;
  for (const auto& s : snaps) scores.push_back(std::make_shared<NetworkScore>(s.ema, p, c.unet.prediction));

  // TAEP of every snapshot against the final model (the paper's stand-in for the optimal score).
  json taep = json::array();
  std::vector<double> var_sigma;
  {
    const auto ts0 = Clock::now();
    const DataFn test_images = images.sampler({c.seed, Stream::Test});
    const InitFn init = [&](const uint64_t* ids, int n, Mat& X) {
      Mat X0, Z;
      test_images(ids, n, X0);
      normal_block({c.seed, Stream::Init}, ids, n, 1, d, Z);
      X = p.alpha(p.t_min()) * X0 + p.sigma(p.t_min()) * Z;
    };
    std::vector<const Score*> models;
    for (const auto& s : scores) models.push_back(s.get());
    TaepOptions o;
    o.hutchinson_probes.assign(models.size(), c.hutchinson_probes);
    o.target_hutchinson_probes = c.hutchinson_probes;
    o.probes_key = {c.seed, Stream::TaepProbes};
    const auto tr = run_taep(p, {p.t_min(), p.T(), c.taep_steps}, *scores.back(), models, {c.taep_trajectories, 64}, init,
                             PhiloxNoise({c.seed, Stream::Forward}), o);
    // Common bins for the distributions (Fig. 3a).
    std::vector<double> all;
    for (const auto& t : tr) all.insert(all.end(), t.sigma.begin(), t.sigma.end());
    const Histogram range = histogram_auto(all, 60);
    for (size_t k = 0; k < tr.size(); ++k) {
      const TaepSummary s = summarize_taep(tr[k]);
      var_sigma.push_back(s.var);
      taep.push_back({{"step", at[k]}, {"mean", s.mean}, {"mean_se", s.mean_se}, {"var", s.var}, {"var_se", s.var_se},
                      {"ift", s.ift}, {"ift_se", s.ift_se}, {"hutchinson_var", s.hutchinson_var},
                      {"histogram", histogram_json(histogram(tr[k].sigma, 60, range.edges.front(), range.edges.back()))}});
    }
    timing["taep"] = seconds_since(ts0);
    ctx.log(fmt::format("taep: {:.1f} s", timing["taep"].get<double>()));
  }

  // Coverage of each snapshot's samples against real images (Fig. 3b).
  json coverage = json::array();
  {
    const auto ts0 = Clock::now();
    const Mat real = images.points->topRows(std::min<int64_t>(n_images, c.samples));
    for (size_t k = 0; k < scores.size(); ++k) {
      const Mat gen = sample_reverse_sde(p, {p.t_min(), p.T(), c.sample_steps}, *scores[k], {c.samples, 64},
                                         prior_init(p, d, {c.seed, Stream::Prior}), PhiloxNoise({c.seed, Stream::Reverse}));
      const DensityCoverage dc = density_coverage(real, gen, 5);
      coverage.push_back({{"step", at[k]}, {"density", dc.density}, {"coverage", dc.coverage}, {"taep_var", var_sigma[k]}});
    }
    timing["coverage"] = seconds_since(ts0);
    ctx.log(fmt::format("coverage: {:.1f} s", timing["coverage"].get<double>()));
  }

  // Loss Hessian and SGD-noise covariance on conv channel subsets, along training (Fig. 4).
  json curvature = json::array();
  std::vector<LayerSubset> subsets = c.subsets;
  if (subsets.empty()) {
    const auto layers = unet_conv_layers(final_net);
    for (const std::string& name : {std::string("down0_0.c1"), std::string("mid1.c1"), std::string("up0_0.c2")})
      if (std::find(layers.begin(), layers.end(), name) != layers.end()) subsets.push_back({"conv", name, 3, 3});
    subsets.push_back({"attention", "mid_attn", 2, 3});
    subsets.push_back({"linear", "mid1.t", 3, 3});
    subsets.push_back({"norm", "mid1.n1", 8, 0});
  }
  {
    const auto ts0 = Clock::now();
    TrainSpec ts = c.train;
    ts.seed = c.seed;
    for (size_t k = 0; k < snaps.size(); ++k) {
      const LossCurvature lc = unet_loss_curvature(*snaps[k].model, p, data, ts, subsets, c.hessian_batches, c.covariance_batches);
      json j = curvature_json(lc);
      j["step"] = at[k];
      curvature.push_back(j);
    }
    timing["curvature"] = seconds_since(ts0);
    ctx.log(fmt::format("curvature: {:.1f} s", timing["curvature"].get<double>()));
  }
  // Per-sample DSM loss variance against the per-trajectory TAEP variance (Fig. S1).
  json lossvar = json::array();
  std::vector<double> xs, ys;
  {
    TrainSpec ts = c.train;
    ts.seed = c.seed;
    for (size_t k = 0; k < snaps.size(); ++k) {
      Moments m;
      for (double l : unet_dsm_losses(*snaps[k].ema, p, data, ts, 16)) m.add(l);
      lossvar.push_back({{"step", at[k]}, {"dsm_mean", m.mean()}, {"dsm_var", m.variance()}, {"dsm_var_se", m.variance_se()},
                         {"taep_var", var_sigma[k]}});
      xs.push_back(var_sigma[k]), ys.push_back(m.variance());
    }
  }
  timing["total"] = seconds_since(t0);
  json subs = json::array();
  for (const auto& s : subsets) subs.push_back({{"kind", s.kind}, {"layer", s.layer}, {"out", s.out}, {"in", s.in}});
  return {{"experiment", "learning"},
          {"title", c.title},
          {"seed", c.seed},
          {"threads", ctx.threads},
          {"data", {{"kind", c.data_kind}, {"n", n_images}, {"channels", images.channels}, {"side", images.height},
                    {"description", images.description}}},
          {"process", {{"describe", p.describe()}, {"t_min", p.t_min()}, {"T", p.T()}}},
          {"unet", {{"describe", final_net.describe()}, {"parameters", final_net.parameter_count()}}},
          {"training", {{"steps", c.train.steps}, {"batch", c.train.batch}, {"lr", c.train.lr}, {"snapshots", at},
                        {"curve", {{"step", curve_step}, {"loss", curve_loss}}}}},
          {"taep", {{"trajectories", c.taep_trajectories}, {"steps", c.taep_steps}, {"hutchinson_probes", c.hutchinson_probes},
                    {"target", "the final model (EMA)"}, {"snapshots", taep}}},
          {"coverage", {{"samples", c.samples}, {"steps", c.sample_steps}, {"k", 5}, {"snapshots", coverage}}},
          {"loss_variance", {{"snapshots", lossvar}, {"samples_per_snapshot", 16 * c.train.batch}, {"pearson", finite_or_null(pearson(xs, ys))}}},
          {"curvature", {{"subsets", subs}, {"hessian_batches", c.hessian_batches}, {"covariance_batches", c.covariance_batches},
                         {"batch", c.train.batch}, {"snapshots", curvature}}},
          {"timing_s", timing}};
}

}  // namespace td
