#pragma once
// The potential of the reverse OU dynamics and its phase diagram (Yu & Huang; docs §4). The
// reverse drift x + 2 grad ln p_t is -grad U with U(x, t) = -2 ln p_t(x) - |x|^2/2. For two Gaussians
// N(+-mu, s2 I) the curvature of U at the origin along mu vanishes at the speciation time
//   t_S = 1/2 ln(|mu|^2 + sqrt(s2^2 - 2 s2 + |mu|^4 + 1))   (s2 = 1: 1/2 ln 2|mu|^2)
// (double well before, single well after), and broad data (s2 > 2) make the origin unstable before
//   t_USB = 1/2 ln(s2 - 1)   (unstable symmetry breaking).
// Phase boundaries in (|mu|, s2): |mu|^2 = s2 - s2^2/2 (t_S = 0) and s2 = 2 (t_USB = 0). Note Biroli
// et al.'s speciation time 1/2 ln Lambda (Lambda = |mu|^2 + s2) is a different definition.
#include <string>
#include <vector>

#include "core/types.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"

namespace td {

// U(x_i, t) for points X (OU process).
void reverse_potential(const GaussianMixture& data, const Process& process, double t, const Mat& X, Vec& U);
// v^T (d^2 U / dx^2) v at x: -2 v^T J v - |v|^2, J the Jacobian of the score.
double potential_curvature(const GaussianMixture& data, const Process& process, double t, const RowVec& x, const RowVec& v);
// The time in [t_lo, t_hi] where the curvature at the origin along v changes sign (bisection); NaN
// if it does not change sign there.
double curvature_zero_time(const GaussianMixture& data, const Process& process, const RowVec& v, double t_lo, double t_hi);

double speciation_time_curvature(double mu_norm, double s2);
double unstable_symmetry_breaking_time(double s2);

// Regions of the (|mu|, s2) plane: speciation (s2 < 2, |mu|^2 > s2 - s2^2/2: t_S > 0), no transition
// (s2 < 2 below that boundary: the origin stays a minimum for t >= 0), unstable symmetry breaking
// (s2 >= 2: the origin is unstable for t < t_USB whatever mu).
enum class PhaseRegion { Speciation, NoTransition, UnstableSymmetryBreaking };
PhaseRegion phase_region(double mu_norm, double s2);
const char* phase_region_name(PhaseRegion r);

}  // namespace td
