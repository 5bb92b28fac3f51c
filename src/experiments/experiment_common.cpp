#include "experiments/experiment_common.hpp"

#include "core/interrupt.hpp"

#include <cstring>

#include <filesystem>
#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include <fstream>
#include <mutex>

#include "core/file_io.hpp"
#include "core/progress.hpp"

#include "nn/network.hpp"

namespace td {

nlohmann::json process_record(const Process& p) {
  return {{"kind", process_kind_name(p.kind())}, {"description", p.describe()}, {"t_min", p.t_min()}, {"T", p.T()}};
}

using json = nlohmann::json;

json ou_time_record(const Process& p, double t_ou) {
  if (!std::isfinite(t_ou)) return {{"t", nullptr}, {"process", process_kind_name(p.kind())}, {"t_ou", nullptr}, {"in_window", false}};
  const double s = ou_sigma_tilde(t_ou), t = p.time_at_sigma_tilde(s);
  const int step = std::isfinite(t) ? ddpm_step(p, t) : -1;
  return {{"t", finite_or_null(t)}, {"process", process_kind_name(p.kind())}, {"sigma_tilde", finite_or_null(s)},
          {"ddpm_step", step >= 0 ? json(step) : json(nullptr)}, {"t_ou", t_ou},
          {"in_window", std::isfinite(t) && t >= p.t_min() && t <= p.T()}};
}

json mixture_json(const GaussianMixture& g) {
  json m = {{"K", g.K()}, {"d", g.dim()}, {"weights", vec_json(g.weights)}};
  json means = json::array(), vars = json::array();
  for (int k = 0; k < g.K(); ++k) {
    means.push_back(vec_json(RowVec(g.means.row(k))));
    vars.push_back(vec_json(RowVec(g.vars.row(k))));
  }
  m["means"] = means;
  m["vars"] = vars;
  return m;
}

namespace {
std::mutex g_sizes_mutex;
std::map<std::string, StageSizes> g_sizes;
}  // namespace

std::map<std::string, StageSizes> declared_stage_sizes() {
  std::lock_guard<std::mutex> lock(g_sizes_mutex);
  return g_sizes;
}

void StageClock::run(const char* name, const StageSizes& sizes, const std::function<void()>& fn) {
  const auto t0 = Clock::now();
  {  // {} too: a stage whose work does not grow with any size
    std::lock_guard<std::mutex> lock(g_sizes_mutex);
    g_sizes[name] = sizes;
  }
  set_progress_stage(name);
  try {  // a failure names the stage it happened in
    fn();
  } catch (const Interrupted&) {
    throw;  // a stop, not a failure
  } catch (const InputError& e) {
    throw InputError(fmt::format("stage '{}': {}", name, e.what()));
  } catch (const RunError& e) {
    throw RunError(fmt::format("stage '{}': {}", name, e.what()));
  }
  timing_[name] = timing_.value(name, 0.0) + seconds_since(t0);
}

void StageClock::section(const RunContext& ctx, const char* name, const StageSizes& sizes, json& out,
                         const std::function<json()>& fn) {
  const std::string saved = ctx.checkpoint_dir.empty() ? "" : ctx.checkpoint_dir + "/section-" + name + ".json";
  if (!saved.empty() && std::filesystem::exists(saved)) {
    std::ifstream f(saved);
    const json j = json::parse(f, nullptr, false);
    if (!j.is_discarded() && j.contains("result") && j.contains("seconds")) {
      out[name] = j["result"];
      timing_[name] = j["seconds"];
      ctx.log(fmt::format("{}: taken from the interrupted run ({:.1f} s then)", name, j["seconds"].get<double>()));
      return;
    }
  }
  ctx.log(fmt::format("{} ...", name));
  run(name, sizes, [&] { out[name] = fn(); });
  ctx.log(fmt::format("{}: {:.1f} s", name, timing_[name].get<double>()));
  if (!saved.empty()) write_file_atomically(saved, json{{"result", out[name]}, {"seconds", timing_[name]}}.dump());
}

namespace {

// A TrainResult as bytes and back (rank 0's training sent to the other ranks): plain values in a
// fixed order; the weights' shapes come from the spec every rank already has.
template <class T>
void put(std::string& b, const T& v) {
  b.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
void take(const std::string& b, size_t& at, T& v) {
  std::memcpy(&v, b.data() + at, sizeof v);
  at += sizeof v;
}
void put_floats(std::string& b, const float* p, size_t n) { b.append(reinterpret_cast<const char*>(p), n * sizeof(float)); }
void take_floats(const std::string& b, size_t& at, float* p, size_t n) {
  std::memcpy(p, b.data() + at, n * sizeof(float));
  at += n * sizeof(float);
}

std::string train_bytes(const TrainResult& r) {
  std::string b;
  put(b, r.last_loss), put(b, r.smoothed_loss), put(b, r.steps_done), put(b, r.resumed_from), put(b, r.seconds);
  put(b, uint64_t(r.curve.size()));
  for (const auto& [s, l] : r.curve) put(b, s), put(b, l);
  for (const MlpWeights* w : {&r.model, &r.ema}) {
    put(b, uint64_t(w->W.size()));
    for (size_t l = 0; l < w->W.size(); ++l) {
      put(b, int64_t(w->W[l].rows())), put(b, int64_t(w->W[l].cols())), put(b, int64_t(w->b[l].size()));
      put_floats(b, w->W[l].data(), size_t(w->W[l].size()));
      put_floats(b, w->b[l].data(), size_t(w->b[l].size()));
    }
  }
  return b;
}

TrainResult train_from_bytes(const std::string& b, const MlpSpec& spec) {
  TrainResult r;
  size_t at = 0;
  uint64_t n = 0;
  take(b, at, r.last_loss), take(b, at, r.smoothed_loss), take(b, at, r.steps_done), take(b, at, r.resumed_from);
  take(b, at, r.seconds), take(b, at, n);
  r.curve.resize(n);
  for (auto& [s, l] : r.curve) take(b, at, s), take(b, at, l);
  for (MlpWeights* w : {&r.model, &r.ema}) {
    w->spec = spec;
    take(b, at, n);
    w->W.resize(n), w->b.resize(n);
    for (size_t l = 0; l < n; ++l) {
      int64_t rows = 0, cols = 0, len = 0;
      take(b, at, rows), take(b, at, cols), take(b, at, len);
      w->W[l].resize(rows, cols), w->b[l].resize(len);
      take_floats(b, at, w->W[l].data(), size_t(rows * cols));
      take_floats(b, at, w->b[l].data(), size_t(len));
    }
  }
  return r;
}

// train_dsm; under mpirun rank 0 trains (with the run's threads) and sends the result to the others:
// a network is trained once, so the ranks evaluate the same one as a run without MPI.
TrainResult train_on_rank0(const MlpSpec& mlp, const Process& process, const DataFn& data, const TrainSpec& ts) {
  if (ranks().size == 1) return train_dsm(mlp, process, data, ts);
  TrainResult tr;
  std::exception_ptr failed;
  if (ranks().root()) try {
      tr = train_dsm(mlp, process, data, ts);
    } catch (...) {
      failed = std::current_exception();
    }
  agree_on_failure(failed);
  std::string bytes = ranks().root() ? train_bytes(tr) : std::string();
  broadcast_bytes(bytes);
  return ranks().root() ? tr : train_from_bytes(bytes, mlp);
}

}  // namespace

std::shared_ptr<const Score> train_mlp_score(const std::string& name, const MlpSpec& mlp, TrainSpec train,
                                             const Process& process, const DataFn& data, const std::string& source,
                                             uint64_t seed, const RunContext& ctx, json& info) {
  TrainSpec& ts = train;  // a copy: the run's seed goes in (its threads: the CLI set them)
  ts.seed = seed;
  ts.progress = !ctx.quiet;
  // In the run's checkpoint directory unless the config names a checkpoint: an interrupted run
  // resumed with --resume continues the training exactly where it stopped.
  if (ts.checkpoint.empty() && !ctx.checkpoint_dir.empty()) ts.checkpoint = ctx.checkpoint_dir + "/mlp-" + name + ".ckpt";
  set_progress_stage("train " + name);
  ctx.log(fmt::format("train: {}: MLP {}x{} ({}-prediction), {} steps of {} on {}", name, mlp.hidden, mlp.width,
                      prediction_name(mlp.prediction), ts.steps, ts.batch, source));
  const TrainResult tr = train_on_rank0(mlp, process, data, ts);
  ctx.log(fmt::format("train: {}: done in {:.1f} s, final loss {:.4f} (smoothed {:.4f}){}", name, tr.seconds,
                      tr.last_loss, tr.smoothed_loss,
                      tr.resumed_from ? fmt::format(", resumed from step {}", tr.resumed_from) : ""));
  json curve = {{"step", json::array()}, {"loss", json::array()}};
  for (const auto& [st, l] : tr.curve) {
    curve["step"].push_back(st);
    curve["loss"].push_back(l);
  }
  info = {{"steps", tr.steps_done}, {"batch", ts.batch}, {"lr", ts.lr}, {"weighting", loss_weighting_name(ts.weighting)},
          {"ema", ts.ema}, {"seconds", tr.seconds}, {"final_loss", tr.last_loss}, {"smoothed_loss", tr.smoothed_loss},
          {"resumed_from", tr.resumed_from}, {"data", source}, {"curve", curve},
          {"evaluated_with", ts.ema > 0 ? "EMA parameters" : "last parameters"}};
  return std::make_shared<NetworkScore>(std::make_shared<MlpNet>(ts.ema > 0 ? tr.ema : tr.model), process,
                                        mlp.prediction, name);
}

nlohmann::json rate_curve_json(const RateCurve& c) {
  return {{"value", vec_json(c.value)}, {"se", vec_json(c.se)}, {"integral", finite_or_null(c.integral.value)},
          {"integral_se", finite_or_null(c.integral.se)}, {"integral_dt_error", finite_or_null(c.integral_dt)}};
}

void flag_dt_error(std::vector<std::string>& flags, const std::string& what, double value, double se, double dt_error,
                   const char* remedy) {
  if (std::isfinite(dt_error) && std::abs(dt_error) > se)
    flags.push_back(fmt::format("{} = {:.5g} has discretization error {:.3g}, larger than its standard error {:.3g}; {}", what,
                                value, dt_error, se, remedy));
}

nlohmann::json StageClock::record(Clock::time_point start) const {
  nlohmann::json t = timing_;
  t["total"] = seconds_since(start);
  return t;
}

nlohmann::json gathered_flags(const std::vector<const nlohmann::json*>& records) {
  nlohmann::json out = nlohmann::json::array();
  for (const nlohmann::json* r : records)
    if (r)
      for (const auto& f : r->value("flags", nlohmann::json::array())) out.push_back(f);
  return out;
}

}  // namespace td
