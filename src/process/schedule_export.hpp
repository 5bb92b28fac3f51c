#pragma once
// A sampling schedule in the conventions samplers take: the noise
// levels sigma~ = sigma/alpha (EDM's and k-diffusion's sigma, diffusers' `sigmas`) of N process
// times, and the integer training steps of a discrete-time model (DDPM, Stable Diffusion), whose
// schedulers take `timesteps`. A schedule is N levels from noisiest to cleanest; the samplers step
// from each to the next and from the last to 0.
#include <string>
#include <vector>

#include "process/process.hpp"

namespace td {

// The training noise of a discrete-time model as diffusers configures it: train_steps betas, linear
// from beta_start to beta_end ("linear", DDPM) or linear in sqrt(beta) ("scaled_linear", Stable
// Diffusion: 0.00085 .. 0.012).
struct DiscreteTraining {
  std::string beta_schedule = "linear";
  double beta_start = 1e-4, beta_end = 0.02;
  int train_steps = 1000;
};
// Its noise levels sigma_k = sqrt((1 - abar_k) / abar_k), abar_k = prod_{i <= k} (1 - beta_i),
// k = 0 .. train_steps - 1 (ascending). Throws InputError for a schedule it does not know or betas
// outside (0, 1).
std::vector<double> discrete_sigmas(const DiscreteTraining& d);
// The training step whose noise level is nearest to s in log sigma (the steps' levels ascending).
int nearest_step(const std::vector<double>& step_sigmas, double s);

// A discrete model's own schedule of n levels: its training steps spaced evenly from the last to 0
// (diffusers' "linspace" spacing), as process times of `p` whose sigma~ are those steps' levels. The
// ends are pinned to the process's sigma~(T) and sigma~(t_min); throws InputError when the model's
// levels and the process's range differ there by more than a factor 1.5 (the process is not the
// one the model was trained with) or two levels coincide.
std::vector<double> discrete_schedule(const Process& p, const DiscreteTraining& d, int n);

struct ExportedSchedule {
  std::string name;
  std::vector<double> t;       // process times, descending (N)
  std::vector<double> sigma;   // sigma~(t_i), descending, then 0: k-diffusion's `sigmas`, EDM's t_i,
                               // diffusers' set_timesteps(sigmas=...) (N + 1 values, N steps)
  std::vector<int> timesteps;  // the discrete model's training step nearest each level, descending (N)
  std::vector<std::string> warnings;  // e.g. two levels sharing a training step
};
// Exports N >= 2 process times, strictly descending inside (0, T] of `p`; throws InputError naming the
// first time out of order or range.
ExportedSchedule export_schedule(const std::string& name, const Process& p, const std::vector<double>& t,
                                 const DiscreteTraining& training);
// One CSV of several schedules: schedule,i,t,sigma,timestep (the final level 0 has i = N, no t and
// no timestep), with a header line.
std::string schedules_csv(const std::vector<ExportedSchedule>& s);

}  // namespace td
