#pragma once
// The hot kernels behind one interface (DESIGN: layers 6). Every platform computes the same numbers
// from the same identities: `reference` in plain scalar double (the oracle), `cpu` with lanes and
// OpenMP-friendly blocks, `cuda` on the GPU (platform/cuda, when built and a device is present). platform/compare.hpp runs every kernel
// on two platforms, compares them (NMSE) and times them; a test and bench/bench_platforms use it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "data/mixture.hpp"
#include "observe/speciation.hpp"
#include "observe/taep.hpp"
#include "sim/fused_cloning.hpp"
#include "sim/fused_taep.hpp"

namespace td {

// A TAEP ensemble as the experiments ask for it: run_taep's arguments (observe/taep.hpp), with the
// keys its initial states and forward noise are drawn from (a fused kernel draws them itself).
struct TaepJob {
  const Process& process;
  const TimeGrid& grid;
  const Score& target;
  const std::vector<const Score*>& models;
  const InitFn& init;  // x_{t_min}: the target's marginal sampler with key init_key (step 0)
  RngKey init_key, noise_key;
  const TaepOptions& opt;
};

// What the registry knows of a platform whether or not it can run here (a config is validated on
// machines without its device).
struct PlatformInfo {
  std::string why;                   // why it cannot run here ("" when it can)
  bool ensembles_on_device = false;  // its ensembles keep their paths in the device's memory, the
                                     // host only their outcomes (the memory estimates)
};

class Platform {
 public:
  virtual ~Platform() = default;
  virtual std::string name() const = 0;
  // n x d standard normals / n x m uniforms for ids[0..n) at `step` (core/rng.hpp's identity rule).
  virtual void normals(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int d, Mat& Z) const = 0;
  virtual void uniforms(const RngKey& key, const uint64_t* ids, int n, uint64_t step, int m, Mat& U) const = 0;
  // The score, divergence and log-density of mixture `marg` at the rows of X (any output may be null).
  virtual void mixture(const GaussianMixture& marg, const Mat& X, Mat* S, Vec* div, Vec* logp) const = 0;
  // Whole TAEP trajectories first .. first + n - 1 of exact-mixture scores (sim/fused_taep.hpp).
  virtual void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) const = 0;
  // Whole cloning samples first .. first + n - 1 (sim/fused_cloning.hpp): same[b n + i].
  virtual void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) const = 0;

  // The experiments' ensembles. The TAEP ensemble of `job` over spec's range: run_taep's result,
  // trajectory for trajectory. By default the engine's blocks of trajectories (observe/taep.cpp,
  // the fastest on a CPU); a platform with fused kernels runs them where the job allows.
  virtual std::vector<TaepTrajectories> taep_ensemble(const TaepJob& job, const EnsembleSpec& spec) const;
  // How taep_ensemble runs `job` where that is not the blocks by design: what and where, or why it
  // falls back to the blocks ("" for the blocks by design): for the log and results.json's device.
  virtual std::string taep_ensemble_how(const TaepJob&) const { return ""; }
  // The launch the cloning ensemble runs its samples on (observe/speciation.hpp CloningOptions::fused),
  // empty for the engine's blocks.
  virtual FusedCloningLaunch cloning_ensemble() const { return {}; }
  // The hardware it computes on, for the run's log and results.json ("" for the host's CPU).
  virtual std::string hardware() const { return ""; }
};

// The platform registered as `name` (platform/platform_list.hpp): InputError for an unknown name,
// RunError naming why for one that cannot run here (no device, not built).
const Platform& platform(const std::string& name);
// The platforms usable here, in registry order (the reference first).
const std::vector<const Platform*>& platforms();
// What the registry knows of platform `name` (InputError for an unknown name), available or not.
PlatformInfo platform_info(const std::string& name);
// Every registered platform's name, available here or not, in registry order.
std::vector<std::string> platform_names();
// The platform a run computes on unless its config says otherwise: cpu.
const Platform& default_platform();

}  // namespace td
