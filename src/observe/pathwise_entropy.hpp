#pragma once
// Pathwise conditional entropy h_t(x) = H[p(x_0 | x_t = x)] and its variance over the ensemble,
// V_h(t) = Var h_t(x_t) (docs §5.3; Stancevic & Ambrogioni Figs. 3-5). h is evaluated with the
// data's exact posterior (data/mixture_posterior: discrete for delta data, 1-D quadrature, or the
// chain rule), at states drawn exactly from p_t (forward), produced by a sampler driven by any
// score (generative), or integrated over p_t by quadrature (1-D, the independent check).
#include <string>
#include <vector>

#include "core/time_grid.hpp"
#include "core/types.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "sim/ensemble.hpp"

namespace td {

// Peak of a sampled curve (V_h(t)): a maximum refined by a parabola through it and its neighbours;
// width = full width at half maximum by linear interpolation.
struct CurvePeak {
  // The peak: the curve's maximum when it is interior, else its most prominent interior local
  // maximum (NaN when it has none): the vertex of the parabola through its three nodes, and its full
  // width at half height (NaN where the curve does not fall to half on a side).
  double t = NAN, height = NAN, width = NAN;
  // Where the curve's maximum is: "interior", or "lower edge" / "upper edge" of the window (then the
  // curve still rises beyond it, and edge_t, edge_height say where it was cut).
  std::string at = "none";
  double edge_t = NAN, edge_height = NAN;
};
// The peak of v(t); `se` (optional) the values' standard errors: an interior local maximum counts
// as a hump only if its prominence (its height above the higher of the lowest points between it
// and higher ground on either side) exceeds 2 SE and 5% of its height.
CurvePeak curve_peak(const std::vector<double>& t, const std::vector<double>& v, const std::vector<double>* se = nullptr);

struct EntropyVariance {
  std::vector<double> t;
  std::vector<double> mean, mean_se;  // E h_t(x_t) = H[x_0 | x_t] [nats]
  std::vector<double> var, var_se;    // V_h(t) [nats^2]
  // Generative only: the discretization errors of mean and var, value(2 dt) - value(dt) on the
  // coupled noise (docs/discretization.md), at the nodes the coarse grid shares (else NaN).
  std::vector<double> mean_dt, var_dt;
  CurvePeak peak;                     // of V_h
  std::string rule;                   // how h was computed
};

// x_t = alpha x_0 + sigma z with x_0 from the data, fresh samples per node (Stream::Entropy).
EntropyVariance pathwise_entropy_forward(const GaussianMixture& data, const Process& process,
                                         const std::vector<double>& t, int samples, uint64_t seed);

// 1-D data: E h and E h^2 under p_t by Gauss-Hermite quadrature over each marginal component
// (`nodes` per component, inner entropies by the same rule). No sampling: SEs are 0.
EntropyVariance pathwise_entropy_quadrature(const GaussianMixture& data, const Process& process,
                                            const std::vector<double>& t, int nodes = 160);

// Along generative trajectories: reverse-SDE ensemble (`scheme`) from the prior at T driven
// by `score`, h recorded every `stride` steps (times grid.t(n) for n = steps, steps - stride, ...,
// down to 0, returned ascending). The first `keep` trajectories' states and h are kept as paths.
struct GenerativeEntropy {
  EntropyVariance v;
  Mat paths_x;  // keep x times (1-D data: coordinate 0; else the projection on the data's first principal axis)
  Mat paths_h;  // keep x times
};
// With dt_error, the ensemble runs again on grid.coarsened() with the coupled noise.
GenerativeEntropy pathwise_entropy_generative(const GaussianMixture& data, const Process& process, const Score& score,
                                              const TimeGrid& grid, int samples, int stride, int keep, uint64_t seed,
                                              ReverseScheme scheme = ReverseScheme::EulerMaruyama, bool dt_error = false);

// The paper's speciation data: 1-D two-Gaussian mixture, means +-sqrt(4 d / 3), unit variances,
// equal weights (d is the scaling parameter, the data stay 1-D).
GaussianMixture speciation_mixture(double d);

}  // namespace td
