#include "experiments/learning/run.hpp"

#include "core/distributed.hpp"

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

// One learning-dynamics run: the stages below, in this order, each filling its part of the results.
class LearningRun {
 public:
  LearningRun(const LearningConfig& c, const RunContext& ctx)
      : c_(c), ctx_(ctx), images_(c.data), p_(c.process),
        // Train steps 0 and 1 are the DSM loop's times and noise (train/dsm_loop.cpp): the images at step 2.
        data_(images_.sampler({c.seed, Stream::Train}, 2)),  // steps 2 and 3
        d_(c.unet.dim()) {
    if (images_.channels != c.unet.channels || images_.height != c.unet.side || images_.width != c.unet.side)
      throw InputError(fmt::format("learning: the images are {}x{}x{}, the U-Net expects {}x{}x{}", images_.channels,
                                   images_.height, images_.width, c.unet.channels, c.unet.side, c.unet.side));
    n_images_ = images_.points->rows();
    ctx.log(fmt::format("learning: {} images {}x{}x{} ({}), U-Net base {}, {} steps in {} snapshots", n_images_,
                        images_.channels, images_.height, images_.width, c.data_kind, c.unet.base, c.train.steps,
                        c.snapshots));
  }

  void stage(const char* name, const StageSizes& sizes, const std::function<void()>& fn) { clock_.run(name, sizes, fn); }

  // Training in segments: each resumes the previous one's checkpoint exactly, so the snapshots lie on
  // one training run. Each snapshot's checkpoint and loss record stay in the checkpoint directory, so
  // a resumed run (--resume) loads the snapshots it has and trains on from the last one.
  // Under mpirun rank 0 trains every snapshot into the run's checkpoint directory and the other ranks
  // then load them from there (trained once; the run directory must be on a file system every rank
  // sees, docs/mpi.md).
  void train() {
    namespace fs = std::filesystem;
    const bool own_dir = ctx_.checkpoint_dir.empty();
    const fs::path dir = own_dir ? fs::path(ctx_.out_dir) / ".learning-checkpoints" : fs::path(ctx_.checkpoint_dir);
    if (ranks().size == 1) {
      train_snapshots(dir);
    } else {
      std::exception_ptr failed;
      if (ranks().root()) try {
          train_snapshots(dir);
        } catch (...) {
          failed = std::current_exception();
        }
      agree_on_failure(failed);
      if (!ranks().root()) train_snapshots(dir);  // every snapshot saved: loaded, no step trained
      agree_on_failure(nullptr);                   // every rank has loaded them before rank 0 removes its own dir
    }
    if (own_dir && ranks().root()) remove_tree(dir.string());
    for (const auto& s : snaps_) scores_.push_back(std::make_shared<NetworkScore>(s.ema, p_, c_.unet.prediction));
  }

  void train_snapshots(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    if (ranks().root()) fs::create_directories(dir);
    const std::string work = (dir / "unet-training.ckpt").string();
    for (int k = 1; k <= c_.snapshots; ++k) {
      const fs::path snap = dir / fmt::format("unet-snapshot-{}.ckpt", k), record = dir / fmt::format("unet-snapshot-{}.json", k);
      const bool saved = fs::exists(snap) && fs::exists(record);
      TrainSpec ts = c_.train;
      ts.seed = c_.seed, ts.progress = !ctx_.quiet;
      ts.checkpoint = saved ? snap.string() : work;  // a saved snapshot loads and trains no step
      ts.checkpoint_every = c_.train.steps;          // only at the segment ends
      const int64_t stop = c_.train.steps * k / c_.snapshots;
      ts.stop_at = k == c_.snapshots ? -1 : stop;
      if (!saved) {  // continue from the previous snapshot (a partial segment is trained again)
        remove_tree(work);
        if (k > 1) fs::copy_file(dir / fmt::format("unet-snapshot-{}.ckpt", k - 1), work);
      }
      snaps_.push_back(train_unet(c_.unet, p_, data_, ts));
      UNetTrainResult& s = snaps_.back();
      if (saved) {
        std::ifstream f(record);
        const json j = json::parse(f);
        s.curve = j["curve"].get<std::vector<std::pair<int64_t, double>>>();
        s.smoothed_loss = j["smoothed_loss"], s.last_loss = j["last_loss"];
        ctx_.log(fmt::format("train: snapshot {} at step {} taken from the interrupted run", k, stop));
      } else {
        fs::rename(work, snap);
        write_file_atomically(record.string(),
                              json{{"curve", s.curve}, {"smoothed_loss", s.smoothed_loss}, {"last_loss", s.last_loss}}.dump());
      }
      at_.push_back(stop);
      for (const auto& [st, l] : s.curve) curve_step_.push_back(st), curve_loss_.push_back(l);
      ctx_.log(fmt::format("train: snapshot {} at step {}, loss {:.4f}", k, stop, s.smoothed_loss));
    }
  }

  // TAEP of every snapshot against the final model (the paper's stand-in for the optimal score).
  void taep() {
    const DataFn test_images = images_.sampler({c_.seed, Stream::Test});
    const InitFn init = [&](const uint64_t* ids, int n, Mat& X) {
      Mat X0, Z;
      test_images(ids, n, X0);
      normal_block({c_.seed, Stream::Init}, ids, n, 1, d_, Z);
      X = p_.alpha(p_.t_min()) * X0 + p_.sigma(p_.t_min()) * Z;
    };
    std::vector<const Score*> models;
    for (const auto& s : scores_) models.push_back(s.get());
    TaepOptions o;
    o.hutchinson_probes.assign(models.size(), c_.hutchinson_probes);
    o.target_hutchinson_probes = c_.hutchinson_probes;
    o.probes_key = {c_.seed, Stream::TaepProbes};
    const auto tr = run_taep(p_, make_grid(p_, c_.grid.spec), *scores_.back(), models, {c_.taep_trajectories, 64},
                             init, PhiloxNoise({c_.seed, Stream::Forward}), o);
    // Common bins for the distributions (Fig. 3a).
    std::vector<double> all;
    for (const auto& t : tr) all.insert(all.end(), t.sigma.begin(), t.sigma.end());
    const Histogram range = histogram_auto(all, 60);
    for (size_t k = 0; k < tr.size(); ++k) {
      const TaepSummary s = summarize_taep(tr[k]);
      var_sigma_.push_back(s.var);
      taep_.push_back({{"step", at_[k]}, {"mean", s.mean}, {"mean_se", s.mean_se}, {"mean_dt_error", finite_or_null(s.mean_dt)},
                       {"var", s.var}, {"var_se", s.var_se}, {"var_dt_error", finite_or_null(s.var_dt)},
                       {"ift", s.ift}, {"ift_se", s.ift_se}, {"ift_dt_error", finite_or_null(s.ift_dt)},
                       {"hutchinson_var", s.hutchinson_var},
                       {"histogram", histogram_json(histogram(tr[k].sigma, 60, range.edges.front(), range.edges.back()))}});
    }
  }

  // Coverage of each snapshot's samples against real images (Fig. 3b): a random subset of the set,
  // never its first rows (substream 1 of the test stream: substream 0 draws the TAEP's test images).
  void coverage() {
    const Mat real = random_rows(*images_.points, {c_.seed, Stream::Test, 1}, std::min<int64_t>(n_images_, c_.samples)).X;
    for (size_t k = 0; k < scores_.size(); ++k) {
      const Mat gen = sample_reverse_sde(p_, TimeGrid(p_.t_min(), p_.T(), c_.sample_steps), *scores_[k], {c_.samples, 64},
                                         prior_init(p_, d_, {c_.seed, Stream::Prior}), PhiloxNoise({c_.seed, Stream::Reverse}),
                                         c_.grid.reverse);
      const DensityCoverage dc = density_coverage(real, gen, 5);
      coverage_.push_back({{"step", at_[k]}, {"density", dc.density}, {"coverage", dc.coverage}, {"taep_var", var_sigma_[k]}});
    }
  }

  // Loss Hessian and SGD-noise covariance on conv channel subsets, along training (Fig. 4).
  void curvature() {
    subsets_ = c_.subsets;
    if (subsets_.empty()) {
      const auto layers = unet_conv_layers(*snaps_.back().ema);
      for (const std::string& name : {std::string("down0_0.c1"), std::string("mid1.c1"), std::string("up0_0.c2")})
        if (std::find(layers.begin(), layers.end(), name) != layers.end()) subsets_.push_back({"conv", name, 3, 3});
      subsets_.push_back({"attention", "mid_attn", 2, 3});
      subsets_.push_back({"linear", "mid1.t", 3, 3});
      subsets_.push_back({"norm", "mid1.n1", 8, 0});
    }
    TrainSpec ts = c_.train;
    ts.seed = c_.seed;
    for (size_t k = 0; k < snaps_.size(); ++k) {
      const LossCurvature lc =
          unet_loss_curvature(*snaps_[k].model, p_, data_, ts, subsets_, c_.hessian_batches, c_.covariance_batches);
      json j = curvature_json(lc);
      j["step"] = at_[k];
      curvature_.push_back(j);
    }
  }

  // Per-sample DSM loss variance against the per-trajectory TAEP variance (Fig. S1).
  void loss_variance() {
    TrainSpec ts = c_.train;
    ts.seed = c_.seed;
    for (size_t k = 0; k < snaps_.size(); ++k) {
      Moments m;
      for (double l : unet_dsm_losses(*snaps_[k].ema, p_, data_, ts, 16)) m.add(l);
      lossvar_.push_back({{"step", at_[k]}, {"dsm_mean", m.mean()}, {"dsm_var", m.variance()},
                          {"dsm_var_se", m.variance_se()}, {"taep_var", var_sigma_[k]}});
      lossvar_x_.push_back(var_sigma_[k]), lossvar_y_.push_back(m.variance());
    }
  }

  json results(Clock::time_point start) {
    const UNetNet& final_net = *snaps_.back().ema;
    json subs = json::array();
    for (const auto& s : subsets_) subs.push_back({{"kind", s.kind}, {"layer", s.layer}, {"out", s.out}, {"in", s.in}});
    return {{"data", {{"kind", c_.data_kind}, {"n", n_images_}, {"channels", images_.channels}, {"side", images_.height},
                      {"description", images_.description}}},
            {"process", process_record(p_)},
            {"unet", {{"describe", final_net.describe()}, {"parameters", final_net.parameter_count()}}},
            {"training", {{"steps", c_.train.steps}, {"batch", c_.train.batch}, {"lr", c_.train.lr}, {"snapshots", at_},
                          {"curve", {{"step", curve_step_}, {"loss", curve_loss_}}}}},
            {"taep", {{"trajectories", c_.taep_trajectories}, {"grid", grid_record(c_.grid.spec, make_grid(p_, c_.grid.spec))},
                      {"hutchinson_probes", c_.hutchinson_probes}, {"target", "the final model (EMA)"}, {"snapshots", taep_}}},
            {"coverage", {{"samples", c_.samples}, {"steps", c_.sample_steps}, {"k", 5}, {"snapshots", coverage_}}},
            {"loss_variance", {{"snapshots", lossvar_}, {"samples_per_snapshot", 16 * c_.train.batch},
                               {"pearson", finite_or_null(pearson(lossvar_x_, lossvar_y_))}}},
            {"curvature", {{"subsets", subs}, {"hessian_batches", c_.hessian_batches},
                           {"covariance_batches", c_.covariance_batches}, {"batch", c_.train.batch}, {"snapshots", curvature_}}},
            {"timing_s", clock_.record(start)}};
  }

 private:
  const LearningConfig& c_;
  const RunContext& ctx_;
  const Dataset& images_;
  const Process p_;
  const DataFn data_;
  const int d_;
  int64_t n_images_ = 0;
  StageClock clock_;
  std::vector<int64_t> at_;  // the snapshots' training steps
  std::vector<UNetTrainResult> snaps_;
  std::vector<std::shared_ptr<NetworkScore>> scores_;
  json curve_step_ = json::array(), curve_loss_ = json::array();
  json taep_ = json::array(), coverage_ = json::array(), curvature_ = json::array(), lossvar_ = json::array();
  std::vector<double> var_sigma_, lossvar_x_, lossvar_y_;
  std::vector<LayerSubset> subsets_;
};

}  // namespace

json run_learning_experiment(const LearningConfig& c, const RunContext& ctx) {
  const auto t0 = Clock::now();
  LearningRun run(c, ctx);
  run.stage("training", {"training.steps"}, [&] { run.train(); });
  run.stage("taep", {"taep.trajectories", "*training.snapshots"}, [&] { run.taep(); });
  run.stage("coverage", {"samples.n", "*training.snapshots"}, [&] { run.coverage(); });
  run.stage("curvature", {"curvature.hessian_batches", "curvature.covariance_batches", "*training.snapshots"}, [&] { run.curvature(); });
  run.stage("loss_variance", {"*training.snapshots"}, [&] { run.loss_variance(); });
  return run.results(t0);
}

}  // namespace td
