#pragma once
// Entropic time schedules (Stancevic, Handke, Ambrogioni 2025; docs §5.4), in EDM units
// (x = y + sigma z, process time t = sigma). The conditional entropy grows as
// dH[x_0|x_sigma]/dsigma = eps^2(sigma)/sigma^3, eps^2 = E|x_0 - x0_hat(x_sigma)|^2, and the rescaled
// entropic time phi~(sigma) = int eps^2(sigma')/sigma'^2 dsigma' advances uniformly in information:
// a schedule of N points uniform in normalized phi~ spends its steps where the generation decides.
// Gaussian data N(0, c^2 I): eps^2 = d c^2 sigma^2/(c^2 + sigma^2), phi~ = d c arctan(sigma/c) + const.
#include <vector>

#include "core/types.hpp"
#include "data/data_fn.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "process/schedules.hpp"  // edm_sigmas
#include "score/score.hpp"

namespace td {


struct X0Error {
  std::vector<double> sigma, eps2, eps2_se;  // ascending sigma
};
// eps^2 = E|x_0 - x0_hat(x_t)|^2, x_t = alpha x_0 + sigma z and Tweedie's x0_hat = (x_t + sigma^2 s(x_t, t))
// / alpha, by Monte Carlo at each process time of `times` (`samples` per node, data drawn by id), for
// any process and score: the model's own denoising error, in data units, at sigma~(t). Results
// ascend in sigma~.
X0Error x0_prediction_error(const Process& p, const Score& score, const DataFn& data, const std::vector<double>& times,
                            int samples, uint64_t seed);
// The same on an EDM process (t = sigma~ = sigma, alpha = 1), at the noise levels `sigmas`.
X0Error x0_prediction_error(const Score& score, const DataFn& data, const std::vector<double>& sigmas, int samples,
                            uint64_t seed);

struct EntropicSchedule {
  std::vector<double> base_sigma, phi;  // normalized phi~ at the base nodes, ascending, 0 .. 1
  std::vector<double> sigmas;           // the schedule, descending from sigma_max to sigma_min
};
// Cumulates eps^2/sigma^2 over the base nodes (trapezoid in ln sigma of eps^2/sigma) and inverts it
// at n points uniform in normalized phi~ (linear interpolation in ln sigma).
EntropicSchedule entropic_schedule(const X0Error& err, int n);
// The entropic schedule of n levels as process times of `p` (descending), from the error at
// `nodes` >= 2 times of a log-sigma~ grid on [t_min, T] (the ends exactly T and t_min).
std::vector<double> entropic_times(const Process& p, const Score& score, const DataFn& data, int n, int nodes,
                                   int samples, uint64_t seed);

// KL(generated || true) for mixture data in 1-D or 2-D: delta data by the Voronoi cell of each point
// (discrete KL), Gaussian data by a histogram over the data's range +- 5 std with exact cell masses
// (`bins` cells in 1-D, sqrt(bins) per axis in 2-D) and one cell for the rest. Plug-in estimates
// (biased up by about (cells - 1) / (2 n)); compare at equal n and bins.
double kl_generated_to_true(const Mat& samples, const GaussianMixture& data, int bins = 400);

}  // namespace td
