#pragma once
// What every experiment runner shares: the run context (threads, output, logging), wall-clock
// timing, JSON helpers, and training an MLP score network for a model.
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/stats.hpp"
#include "data/data_fn.hpp"
#include "data/mixture.hpp"
#include "nn/mlp.hpp"
#include "observe/entropy_rates.hpp"
#include "platform/platform.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "train/dsm_train.hpp"

namespace td {

struct RunContext {
  int threads = 1;
  std::string out_dir;  // where per-trajectory CSVs go (the temporary run directory)
  // Where what a resumed run reuses goes ("" = no checkpoints): finished sections, training checkpoints.
  std::string checkpoint_dir;
  bool quiet = false;   // no progress lines
  // Where the run computes (the config's device): the platform whose kernels the experiments ask for.
  const Platform* platform = &default_platform();
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A flag (docs/discretization.md#flags) when an estimate's discretization error exceeds its standard
// error: "WHAT = VALUE has discretization error E, larger than its standard error SE; REMEDY".
// Appended to `flags`; nothing when the error is within the SE or was not estimated (NaN).
void flag_dt_error(std::vector<std::string>& flags, const std::string& what, double value, double se, double dt_error,
                   const char* remedy);

// The forward process as every results.json records it (its one writer): kind, description, and the
// window [t_min, T] in the process's own time.
nlohmann::json process_record(const Process& p);

// A time given in OU time (Biroli et al.'s t_S = 1/2 ln Lambda, say) in the run's clock: the run's
// process time at the same noise level sigma~, its DDPM step for a VP run, and the OU time beside it.
nlohmann::json ou_time_record(const Process& p, double t_ou);

// JSON has no NaN or infinity: they become null.
inline nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
template <class V>
nlohmann::json vec_json(const V& v);

// A rate curve [nats/t]: per-node values and SEs, its integral [nats] with SE and quadrature error.
nlohmann::json rate_curve_json(const RateCurve& c);

template <class V>
nlohmann::json vec_json(const V& v) {
  nlohmann::json a = nlohmann::json::array();
  for (auto x : v) a.push_back(finite_or_null(double(x)));
  return a;
}

// The mean of independent values with its standard error and count: {mean, se, n} (null when undefined).
template <class V>
nlohmann::json mean_se_json(const V& v) {
  Moments m;
  for (auto x : v) m.add(double(x));
  return {{"mean", finite_or_null(m.mean())}, {"se", finite_or_null(m.mean_se())}, {"n", m.count()}};
}

inline nlohmann::json histogram_json(const Histogram& h) {
  return {{"edges", vec_json(h.edges)}, {"counts", h.counts}, {"below", h.below}, {"above", h.above}};
}
// <exp(a)> against the number of samples, for convergence figures.
inline nlohmann::json running_json(const RunningCurve& rc) {
  return {{"n", rc.n}, {"value", vec_json(rc.value)}, {"se", vec_json(rc.se)}};
}

// A mixture as results.json records it: K, d, weights, means and variances (rows per component).
nlohmann::json mixture_json(const GaussianMixture& g);

// The named stages of a runner, timed: each stage's wall time adds to timing()[name] (results.json's
// timing_s) and names the progress line while it runs. A runner reads as its list of stages.
// `sizes`: the config keys (dotted paths, "sim.trajectories"; "models.training.steps" for every
// entry of [[models]]) whose values the stage's work grows in proportion to, and "*KEY" for a count
// the whole stage is repeated for (the learning experiment's snapshots): validate's run-time
// estimate scales each stage's pilot time by its own keys (cli/run_time_estimate.hpp).
using StageSizes = std::vector<std::string>;
class StageClock {
 public:
  void run(const char* name, const StageSizes& sizes, const std::function<void()>& fn);
  // A stage whose result is out[name] = fn(), logged through the context. With a checkpoint
  // directory the result is saved there, and a resumed run takes it from there instead of computing
  // it again (the same numbers: every such stage is a function of the config and seed).
  void section(const RunContext& ctx, const char* name, const StageSizes& sizes, nlohmann::json& out,
               const std::function<nlohmann::json()>& fn);
  nlohmann::json& timing() { return timing_; }
  // results.json's timing_s, its one writer: each stage's wall seconds and the total since `start`.
  nlohmann::json record(Clock::time_point start) const;

 private:
  nlohmann::json timing_ = nlohmann::json::object();
};

// results.json's flags, their one writer: every flag of the given records (each with a "flags" array;
// null entries skipped), in order.
nlohmann::json gathered_flags(const std::vector<const nlohmann::json*>& records);

// The size keys each stage run in this process declared, by stage name (for the run-time estimate).
std::map<std::string, StageSizes> declared_stage_sizes();

// Trains `mlp` by DSM on `data` (seed, threads and progress from the run) and returns its score
// with the EMA parameters (the last ones when ema = 0); `info` gets the training record for
// results.json ("training" of a model: steps, loss curve, time, ...).
std::shared_ptr<const Score> train_mlp_score(const std::string& name, const MlpSpec& mlp, TrainSpec train,
                                             const Process& process, const DataFn& data, const std::string& source,
                                             uint64_t seed, const RunContext& ctx, nlohmann::json& info);

}  // namespace td
