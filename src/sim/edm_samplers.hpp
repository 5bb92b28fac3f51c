#pragma once
// EDM's samplers on schedules of noise levels (Karras et al. 2022), in EDM units (x = y + sigma z,
// time = sigma; a model of another process is seen through score/edm_view.hpp). A schedule is N
// descending positive levels; every sampler steps from each level to the next and, last, by Euler
// from sigma_{N-1} to 0 (Tweedie's mean), as k-diffusion does with its appended 0:
//   euler       x += (next - sigma) dx/dsigma, dx/dsigma = -sigma s(x, sigma): DDIM's deterministic
//               update in these units; N model passes.
//   heun        EDM Algorithm 1: Euler's predictor, then the trapezoid; 2N - 1 passes.
//   stochastic  EDM Algorithm 2: each level in [t_min, t_max] first noised up to sigma (1 + gamma),
//               gamma = min(churn / (N - 1), sqrt 2 - 1), by noise x fresh normals, then Heun's step.
#include <string>
#include <vector>

#include "core/types.hpp"
#include "score/score.hpp"

namespace td {

enum class EdmSampler { Euler, Heun, Stochastic };
EdmSampler parse_edm_sampler(const std::string& name);  // throws InputError naming the three
std::string edm_sampler_name(EdmSampler s);
const std::vector<std::string>& edm_sampler_names();
// Model passes of one sample through a schedule of n levels.
int edm_sampler_passes(EdmSampler s, int n);

// Algorithm 2's churn: S_churn, S_tmin, S_tmax, S_noise (the EDM paper's ImageNet values but churn).
struct EdmChurn {
  double churn = 0, t_min = 0.05, t_max = 50, noise = 1.003;
};

// One level of `sampler` for every row r from sigma[r] to next[r] > 0 (churn gamma[r] >= 0, its normals
// the rows of Z, read only where gamma > 0): the stage sample_schedules repeats.
void edm_level_step(const Score& score, EdmSampler sampler, const Mat& X, const Mat& Z, const Vec& sigma, const Vec& next,
                    const Vec& gamma, double noise, Mat& Xn);

// Every schedule of `levels` (the same number N >= 2 of descending positive levels each) sampled
// together: one model pass per stage serves all of them (a time per row), so a schedule costs the
// work of its rows only. Sample i of every schedule starts from the same prior normal ({seed,
// Stream::Prior, replicate}, id i) scaled by its sigma_0, and the churn noise of level k is the
// same normal ({seed, Stream::Reverse, replicate}, id i, step k) for every schedule: schedules are
// compared on paired draws. Returns one samples x d matrix per schedule. Throws InputError for
// levels that are not positive and descending, schedules of different lengths, or a bad churn.
std::vector<Mat> sample_schedules(const Score& score, const std::vector<std::vector<double>>& levels, EdmSampler sampler,
                                  int samples, uint64_t seed, const EdmChurn& churn = {}, uint32_t replicate = 0);

// One schedule with Heun's step: Algorithm 1, or Algorithm 2 with churn > 0.
Mat sample_edm_heun(const Score& score, const std::vector<double>& sigmas, int samples, uint64_t seed,
                    const EdmChurn& churn = {}, uint32_t replicate = 0);

}  // namespace td
