#pragma once
// Ensemble entropy production and flow of the OU forward process and its reverse (Yu & Huang;
// docs §4). With the probability current J = f p - grad p (f = -x, D = 1), dS/dt = pi - phi,
// pi = int |J|^2 / p, phi = int f . J:
//   forward  pi = E|x|^2 - 2d + E|s|^2,   phi = E|x|^2 - d,            dS/dt = E|s|^2 - d
//   reverse  pi* = pi,                     phi* = E|x|^2 - 3d + 2E|s|^2, dS*/dt = -dS/dt
// with expectations over p_t: by Monte Carlo for any mixture, in closed form for two Gaussians
// N(+-mu, s2 I): E|x|^2 = |mu_t|^2 + d G, E|s|^2 = d/G - (|mu_t|^2/G^2)(1 - E tanh^2(mu_t . x / G)),
// mu_t = mu e^{-t}, G = 1 - e^{-2t} + s2 e^{-2t}.
#include <cstdint>
#include <vector>

#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

struct EntropyFlowPoint {
  double t = 0;
  double x2 = 0, s2 = 0;          // E|x|^2, E|s|^2
  double x2_se = 0, s2_se = 0;    // their SEs (0 in closed form)
  double pi = 0, phi = 0, dS = 0;            // forward [nats per unit t]
  double pi_rev = 0, phi_rev = 0, dS_rev = 0;  // reverse
  double pi_se = 0, phi_se = 0, dS_se = 0, phi_rev_se = 0;
};

// Monte Carlo over `samples` exact draws of p_t per time (OU process required).
std::vector<EntropyFlowPoint> entropy_flow_mc(const GaussianMixture& data, const Process& process,
                                              const std::vector<double>& t, int samples, uint64_t seed);
// Closed form for two Gaussians N(+-mu, s2 I) in d dimensions, |mu| = mu_norm.
EntropyFlowPoint entropy_flow_two_gaussians(double mu_norm, double s2, int d, double t);

}  // namespace td
