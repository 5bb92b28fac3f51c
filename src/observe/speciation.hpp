#pragma once
// Dynamical regimes of the reverse process (Biroli, Bonnaire, de Bortoli, Mezard 2024; docs §5.5),
// in OU time (any VP-type process: alpha = e^{-t}, Delta_t = 1 - e^{-2t} for OU):
//  - speciation time t_S = 1/2 ln Lambda, Lambda the largest eigenvalue of the data covariance;
//  - cloning: run the reverse SDE from T to a branch time t_b, copy the state, finish both copies
//    with independent noise, phi(t_b) = P(both end in the same class); theory E_x sum_k P(k|x)^2;
//  - collapse: excess entropy f^e(t) = alpha_P + 1/2 (1 + ln 2 pi Delta_t) + (1/d) E ln P^e_t(x) of
//    the empirical (delta-mixture) marginal of P training points, t_C where it reaches 0.
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "core/time_grid.hpp"
#include "core/types.hpp"
#include "data/mixture.hpp"
#include "process/process.hpp"
#include "score/score.hpp"
#include "sim/ensemble.hpp"
#include "sim/fused_cloning.hpp"

namespace td {

// Largest eigenvalue of the sample covariance of the rows of X (power iteration on X^T X, never
// forming the d x d matrix), and of a mixture's covariance in closed form (same iteration).
double covariance_top_eigenvalue(const Mat& X);
double covariance_top_eigenvalue(const GaussianMixture& g);
// The unit eigenvector of that eigenvalue for the rows of X (its sign arbitrary but deterministic).
Vec covariance_top_direction(const Mat& X);
inline double speciation_time(double top_eigenvalue) { return 0.5 * std::log(top_eigenvalue); }

// Runs fused cloning samples [first, first + n) (sim/fused_cloning.hpp) on a platform: same[b n + i].
using FusedCloningLaunch = std::function<void(const FusedCloningProblem&, uint64_t first, int n, unsigned char* same)>;

// The class of each final state (rows of X at t_min), for cloning on any data.
using Classifier = std::function<void(const Mat& X, double t_min, Eigen::VectorXi& cls)>;

struct CloningOptions {
  int samples = 10000;                // trajectories (each cloned at every branch time)
  uint32_t substream = 0;             // of the prior, reverse and clone noise (two cloning runs in one run)
  std::vector<double> branch_times;   // each becomes a node of the grid (exact; equal times are one)
  uint64_t seed = 1;
  ReverseScheme scheme = ReverseScheme::EulerMaruyama;
  bool dt_error = false;  // also on the coarsened grid with the coupled noise: phi_dt
  // Set: every sample runs as one fused sample on this launch (the GPU's path; the score must be the
  // data's exact mixture score); the same classes as the block path. Empty: the CPU block path.
  FusedCloningLaunch fused;
  // > 0: the split time read off phi (CloningResult::t_split) with this many bootstrap resamplings.
  int split_bootstrap = 0;
};

struct CloningResult {
  std::vector<double> t;              // the branch times, descending as the sampler meets them
  std::vector<double> phi, phi_se;    // P(same class) and its SE (binomial)
  std::vector<double> phi_dt;         // phi(2 dt) - phi(dt) on the coupled noise (NaN unless asked)
  std::vector<double> theory, theory_se;  // E_x sum_k P(k|x)^2 at x ~ p_t by Monte Carlo (same samples count)
  // The split time: where phi, rising from its chance level sum_k q_k^2 (q_k the share of paths
  // ending in class k) towards 1 as t_b falls, passes half-way (two equal classes: 0.75, near the
  // 0.775 the two-Gaussian theory takes at t_S); 95% bootstrap interval. NaN unless split_bootstrap > 0.
  double chance = NAN;
  double t_split = NAN, t_split_lo = NAN, t_split_hi = NAN;
};

// Reverse SDE (Euler-Maruyama on `grid`) from the prior, driven by `score`; the class of a final
// state is its most probable data component at grid.t_min. The main path finishes as one copy and
// a clone from each branch time as the other (independent noise after the branch), so a branch at
// step b costs b extra steps. Memory is two blocks of states per thread (and a class per sample and
// branch time), whatever the number of steps.
CloningResult cloning_probability(const GaussianMixture& data, const Process& process, const Score& score,
                                  const TimeGrid& grid, const CloningOptions& opt);
// The same for any data: classes by `classify` (no theory; the CPU block path only).
CloningResult cloning_probability(const Classifier& classify, const Process& process, const Score& score,
                                  const TimeGrid& grid, const CloningOptions& opt);

// Two Gaussians N(+-m, s2 I) with equal weights: phi(t) = E[P(+|x)^2 + P(-|x)^2] exactly, by
// Gauss-Hermite along m (x.m/|m| ~ N(alpha |m|, Gamma), Gamma = alpha^2 s2 + sigma^2).
double cloning_theory_two_gaussians(const Process& process, double m_norm, double s2, double t);

struct CollapseResult {
  std::vector<double> t, fe, fe_se;  // excess entropy per dimension [nats]
  // Collapse time read off the curve: where f^e, coming down from large t, falls to `threshold`
  // times its large-t value alpha_P = ln P / d (linear interpolation; NaN if it never does on the
  // grid). At finite d the REM's sharp zero is smoothed, so a zero crossing is not observable.
  double threshold = 0.05;
  double t_collapse = NAN;
  // 95% bootstrap interval of t_collapse: the samples of every node resampled (percentile method).
  double t_collapse_lo = NAN, t_collapse_hi = NAN;
  int bootstrap = 0;
};

// Where the curve f, coming down from large t, first falls to `level` (linear interpolation), NaN
// if it never does on these nodes.
double crossing_from_above(const std::vector<double>& t, const std::vector<double>& f, double level);

// f^e(t) for training points A (P x d) at the given times, `samples` draws x ~ P^e_t per time;
// t_collapse at threshold x alpha_P with a bootstrap interval from `bootstrap` resamplings.
CollapseResult excess_entropy(const Mat& A, const Process& process, const std::vector<double>& t, int samples,
                              uint64_t seed, double threshold = 0.05, int bootstrap = 400);

// REM theory for P points of two Gaussians N(+-m, s2 I) (equal weights) in d dimensions: above the
// collapse P^e_t ~ p_t, so f^e = max(0, alpha_P + 1/2 (1 + ln 2 pi Delta) - H(p_t)/d) (condensed
// phase: 0) = max(0, ln P/d - 1/2 ln(1 + alpha^2 s2/Delta) - c_t/d), with H(p_t) exact (c_t the
// class entropy not yet resolved at t, in [0, ln 2], by quadrature along m). Its d -> infinity
// zero is t_C = 1/2 ln(1 + s2 / (P^{2/d} - 1)) (OU).
double excess_entropy_theory(const Process& process, double m_norm, double s2, int d, double P, double t);
// Its d -> infinity (REM) limit: max(0, alpha_P + 1/2 ln(Delta_t / G_t)), zero at collapse_time_theory.
double excess_entropy_rem(const Process& process, double m_norm, double s2, int d, double P, double t);
double collapse_time_theory(double s2, int d, double P);

// The same f^e(t) as excess_entropy measures (its definition, its threshold, finite P and d) for P
// points of two Gaussians N(+-1, I) in d dimensions, computed exactly and independently, averaged over
// data sets as well: given the own point A_0 and the noise z (x = a A_0 + sqrt(Delta) z), every other
// point's distance |x - a A_nu|^2 is |c - a g|^2 with g ~ N(0, I) and c = x - a (its class centre),
// so it needs only |c|, one normal and one chi-square of d - 1 degrees of freedom (Marsaglia-Tsang
// gamma draws), and the own point's terms reduce to a 2 x 2 Wishart draw (Bartlett): O(P) work
// per sample instead of O(P d). t_C at `threshold` with its bootstrap interval, as excess_entropy.
CollapseResult excess_entropy_finite(const Process& process, int d, int P, const std::vector<double>& t, int samples,
                                     uint64_t seed, double threshold = 0.05, int bootstrap = 400);
// The 95% percentile-bootstrap interval of a time read off a curve of per-node means: every node's
// samples resampled with indices from `key` (the same interval for any thread count); a resampling
// that gives no reading (NaN) counts as beyond every reading, so that end of the interval is NaN.
std::pair<double, double> bootstrap_reading(const std::vector<std::vector<double>>& per_node, const RngKey& key, int bootstrap,
                                            const std::function<double(const std::vector<double>&)>& read);
// f^e's mean and SE per node, t_C where it falls to threshold x alpha_P, and its bootstrap interval
// from `per_node` (the samples of every node), resampled with indices from `key`.
void summarize_collapse(const std::vector<std::vector<double>>& per_node, int d, int P, const RngKey& key, CollapseResult& r);

}  // namespace td
