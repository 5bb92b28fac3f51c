#pragma once
// Is a network in the convention its config declares? (docs/models.md#check) At five noise levels,
// log-uniform in sigma~ = sigma/alpha over [t_min, T], the network denoises x_t = alpha x_0 + sigma z
// for x_0 drawn from the run's data; its denoising loss in the declared prediction is compared with
// the best trivial predictor's: zero, and the data's linear-Gaussian (Wiener) predictor with
// per-coordinate mean and variance, E[x_0 | x_t] = m + alpha v/(alpha^2 v + sigma^2) (x_t - alpha m).
// A network in its convention is never much worse than that at any level (the exact score is at
// most as bad); one saved with integer DDPM steps, sigma for t, or a v- or x0-output declared eps
// is far worse at most levels. A level is "worse" when the loss ratio exceeds kWorseRatio and the
// paired excess exceeds kWorseSE standard errors; the ratio's reference is the best trivial loss but
// at least kLossFloor of the noise's variance (eps units: |eps^ - z|^2 / d against 1), as near the
// noise end the best trivial loss goes to 0. The model is refused when most levels (3 of 5) are
// worse; or 2 are and either another convention explains them or they are gross (the eps-loss
// beyond the reference above kGrossExcess: no trained network in its convention misses that much);
// when its output does not depend on t; or when a loss is not finite. Other conventions are tried
// on the same draws, and the one under which it passes is named as the likely cause. One or two
// worse levels that are not gross and that no other convention explains are a weakness of the
// model, not of its convention: it passes, with a warning.
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "nn/network.hpp"
#include "process/process.hpp"

namespace td {

constexpr int kCheckLevels = 5;
constexpr double kWorseRatio = 1.5;
constexpr double kWorseSE = 4;
constexpr int kRefuseWorseLevels = 3;     // most levels: refused whatever the cause
constexpr int kExplainedWorseLevels = 2;  // refused when another convention explains them, or they are gross
constexpr double kGrossExcess = 0.2;      // a worse level misses the noise by 20% of its variance beyond the reference
constexpr double kLossFloor = 0.01;
constexpr double kRankPenalty = 0.02;

struct CheckLevel {
  double t = 0, sigma_tilde = 0;
  // Mean denoising losses per coordinate in the declared prediction's units (eps: |eps^ - z|^2,
  // x0: |x0^ - x0|^2, score: |s^ - s_target|^2 with s_target = -z/sigma), over the same draws.
  double loss = 0, zero = 0, linear = 0;
  double ratio = 0;     // loss / max(min(zero, linear), kLossFloor in these units)
  double excess_se = 0; // SE of the paired mean of loss - that reference
  bool worse = false;
};

// A convention the network was also tried in, when the declared one failed. It passes with no
// worse level, and only where the network's output matters: at a level where the declared reading
// was worse it beats the same reading of an output of zeros by 5% and by kLossFloor (read as EDM's raw network, zeros give c_skip x, read as v
// sigma x: linear predictors by themselves). Of those that pass, the one whose losses exceed the
// references least (sum of ln max(ratio, 1)), the simpler by kRankPenalty per rank at a tie, is
// the likely cause.
struct CheckAlternative {
  std::string name;   // e.g. "ddpm_steps", "x0_output"
  std::string cause;  // the likely cause in words, with what to do
  int rank = 0;       // the simpler explanation first: 0 an output, 1 a time, 2 both, 3 EDM's raw network
  int worse_levels = 0;  // kCheckLevels when the network's output does not matter read so
  bool explains = false; // passes, and its output matters where the declared reading was worse
  double excess = 0;  // sum over the levels of ln max(ratio, 1), + kRankPenalty x rank

  std::vector<double> ratios;
};

struct ConventionCheck {
  std::string prediction;
  int samples = 0;             // draws per level
  std::vector<CheckLevel> levels;
  bool depends_on_t = true;
  double t_variation = 0;      // max over the levels of |f(x, t_j) - f(x, t_1)| / |f(x, t_1)| at fixed x
  int worse_levels = 0;
  int gross_levels = 0;        // worse levels where the excess is above kGrossExcess (eps units)
  bool finite = true;
  bool refused = false;
  std::string verdict;         // one line: ok, or what is wrong
  std::string warning;         // a passed model's worse levels, when it has some
  std::vector<CheckAlternative> alternatives;  // tried from kExplainedWorseLevels worse levels, best first
  bool explained = false;      // an alternative passes
  std::string cause;           // the best alternative's cause, or what else it may be
};

// The check of `net` (output in `prediction`) on the data rows `x0` (the first rows of `x0` are
// the draws; `fit` gives the per-coordinate mean and variance of the linear predictor), with
// normals from `key`. The levels span sigma~ from max(sigma~(t_min), min_sigma_tilde) to sigma~(T):
// without data (x0 = 0, thermodiff.export), only the noise end where the data's scale is
// negligible tells a convention, sigma~ >= kDataFreeSigmaTilde.
ConventionCheck check_convention(const Network& net, Prediction prediction, const Process& process, const Mat& x0,
                                 const Mat& fit, const RngKey& key, double min_sigma_tilde = 0);
// Data of unit scale is negligible against noise sigma~ >= this (its eps-loss contribution
// (1/sigma~)^2 = 0.0025 is below kLossFloor). Without data every level is near the noise end,
// where an undertrained network can be poor at every level: there the floor is kDataFreeLossFloor
// (a wrong convention's eps-loss is near 1 there).
constexpr double kDataFreeSigmaTilde = 20;
constexpr double kDataFreeLossFloor = 0.1;

// How many draws per level for dimension d: 256, fewer in high dimension (each loss averages d
// coordinates), at least 32.
int check_samples(int d);

// The check's table as text, one line per level (for messages and `validate`).
std::string check_table(const ConventionCheck& c);

}  // namespace td
