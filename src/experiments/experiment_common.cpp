#include "experiments/experiment_common.hpp"

#include <filesystem>
#include <fmt/format.h>

#include "core/error.hpp"
#include <fstream>

#include "core/file_io.hpp"
#include "core/progress.hpp"

#include "nn/network.hpp"

namespace td {

using json = nlohmann::json;

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

void StageClock::run(const char* name, const std::function<void()>& fn) {
  const auto t0 = Clock::now();
  set_progress_stage(name);
  try {  // a failure names the stage it happened in
    fn();
  } catch (const InputError& e) {
    throw InputError(fmt::format("stage '{}': {}", name, e.what()));
  } catch (const RunError& e) {
    throw RunError(fmt::format("stage '{}': {}", name, e.what()));
  }
  timing_[name] = timing_.value(name, 0.0) + seconds_since(t0);
}

void StageClock::section(const RunContext& ctx, const char* name, json& out, const std::function<json()>& fn) {
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
  run(name, [&] { out[name] = fn(); });
  ctx.log(fmt::format("{}: {:.1f} s", name, timing_[name].get<double>()));
  if (!saved.empty()) write_file_atomically(saved, json{{"result", out[name]}, {"seconds", timing_[name]}}.dump());
}

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
  const TrainResult tr = train_dsm(mlp, process, data, ts);
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

}  // namespace td
