#pragma once
// Franz-Parisi potential of the reverse process (Yu & Huang; docs §4), hard constraint,
// quenched over x_t, planted pairs (x_0' ~ p_0, x_t from the forward kernel of x_0'):
//   V(q, t) = -E ln Z(x_t, x_0', q),  Z = int e^{-H(x_0|x_t)} delta(q - d(x_0, x_0')) dx_0,
//   H(x_0|x_t) = |x_t - alpha x_0|^2 / (2 Sigma_t) - ln p(x_0)   (alpha = e^{-t}, Sigma_t = 1 - e^{-2t}).
// 1-D, q = (x_0 - x_0')^2: Z = (2 sqrt q)^{-1} [e^{-H(x_0' + sqrt q)} + e^{-H(x_0' - sqrt q)}].
// Delta-mixture (empirical) data in d dimensions: the posterior is discrete, with weights w_mu(x_t);
// with the overlap q_{mu nu} = a_mu . a_nu / d binned, V(bin) = -E ln sum_{mu: q in bin} w_mu.
#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

// ln Z for one (x_t, x_0', q) of 1-D mixture data (the two-delta formula).
double fp_log_z_1d(const GaussianMixture& data, const Process& process, double t, double xt, double x0p, double q);

struct FranzParisi {
  double t = 0;
  std::vector<double> q, V, V_se, dV, d2V;  // derivatives by central differences on the q grid
  std::vector<double> inflections;          // q where d2V changes sign
};

// 1-D mixture data, `pairs` planted pairs (Stream::ExactMC), q on a uniform increasing grid (>= 3 points).
FranzParisi franz_parisi_1d(const GaussianMixture& data, const Process& process, double t, const std::vector<double>& q,
                            int pairs, uint64_t seed);

struct FranzParisiBinned {
  double t = 0;
  std::vector<double> edges;          // bins of the overlap q = a_mu . a_nu / d
  std::vector<double> V, V_se;        // over the samples where the bin holds a point (NaN if none)
  std::vector<int64_t> samples;       // how many samples had a point in each bin
};

// Empirical data A (P x d, uniform weights); `samples` planted draws nu ~ U{P}, x_t = alpha a_nu + sqrt(Sigma) z.
// Memory O(P) per sample (overlaps with the planted point computed on the fly); overlaps outside the
// edges are not counted.
FranzParisiBinned franz_parisi_binned(const Mat& A, const Process& process, double t, const std::vector<double>& edges,
                                      int samples, uint64_t seed);

}  // namespace td
