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
#include "score/score.hpp"

namespace td {

// EDM's rho-schedule: sigma_i = (smax^(1/rho) + i/(n-1) (smin^(1/rho) - smax^(1/rho)))^rho, descending.
std::vector<double> edm_sigmas(int n, double sigma_min, double sigma_max, double rho = 7);

struct X0Error {
  std::vector<double> sigma, eps2, eps2_se;  // ascending sigma
};
// eps^2(sigma) = E|x_0 - (x + sigma^2 s(x, sigma))|^2 by Monte Carlo at each sigma of `sigmas`
// (`samples` per node, data drawn by id), for a score on an EDM process.
X0Error x0_prediction_error(const Score& score, const DataFn& data, const std::vector<double>& sigmas, int samples,
                            uint64_t seed);

struct EntropicSchedule {
  std::vector<double> base_sigma, phi;  // normalized phi~ at the base nodes, ascending, 0 .. 1
  std::vector<double> sigmas;           // the schedule, descending from sigma_max to sigma_min
};
// Cumulates eps^2/sigma^2 over the base nodes (trapezoid in ln sigma of eps^2/sigma) and inverts it
// at n points uniform in normalized phi~ (linear interpolation in ln sigma).
EntropicSchedule entropic_schedule(const X0Error& err, int n);

// KL(generated || true) for 1-D mixture data: delta data by the Voronoi cell of each point (discrete
// KL), Gaussian data by a histogram of `bins` bins over the data's range +- 5 std with exact bin
// masses. Plug-in estimates (biased up by about (cells - 1) / (2 n)); compare at equal n and bins.
double kl_generated_to_true(const Mat& samples, const GaussianMixture& data, int bins = 400);

}  // namespace td
