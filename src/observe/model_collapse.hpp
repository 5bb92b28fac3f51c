#pragma once
// The collapse of a model's own reverse process onto its training set (docs/memorization.md §7.4).
// Along the model's reverse-SDE paths x_t, started from the prior, at each reading time t:
//  - commitment f^model(t) = (1/d) E H[w(x_t)]: w_nu(x) is the training set's empirical posterior
//    (w_nu proportional to N(x; a(t) A_nu, Delta(t) I), the weights the training set's empirical
//    score points with) and H its entropy, the nats of training points the path is still undecided
//    between. Once it is ~0 the empirical score at x_t points at one training point: following the
//    model from there is following that score to that point. Under the forward process the point x_t
//    came from is distributed as w(x_t) given x_t, so E H[w(x_t)] = E[-ln w_own(x_t)]: for the exact
//    empirical score (whose paths have the forward law) f^model is the excess entropy f^e(t) of
//    observe/speciation.hpp and t_C^model its t_C. A model that generalizes puts x_t between
//    training points, where w stays spread, and commits only at lower t.
//  - the same entropy over a held-out set of the same size (the null: a model that generalizes
//    treats training and held-out points alike, so its two readings agree; one that copies its
//    training set commits to it at a higher t than to the held-out set). In low d a model whose
//    paths stray where data are sparse commits early to both: compare t_C^model with t_C^held, never
//    with t_C alone.
//  - the model's noise prediction against the training set's empirical score and a held-out set's:
//    (1/d) E|eps_model - eps_ref|^2 with eps = -sqrt(Delta) s (dimensionless): which of the two the
//    model follows, reading by reading.
#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "observe/speciation.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

struct ModelCollapseOptions {
  std::vector<double> times;  // reading times, increasing, in (t_min, T)
  int samples = 256;          // reverse paths (each read at every time)
  int steps = 200;            // uniform reverse grid (Heun), the reading times added as nodes
  uint64_t seed = 1;          // paths from (seed, ModelPaths): the same for every model of a run
  double threshold = 0.05;    // t_C^model where f^model falls to threshold x ln P / d (as f^e's t_C)
  int bootstrap = 400;        // resamplings of t_C^model's 95% interval
};

struct ModelCollapseResult {
  CollapseResult commitment;       // t, fe (= f^model) and fe_se per reading; t_collapse = t_C^model, interval
  CollapseResult held_commitment;  // the same over the held-out rows (t_C^held; empty without them)
  std::vector<double> eps_train, eps_train_se;  // (1/d) E|eps_model - eps_train|^2 per reading
  std::vector<double> eps_held, eps_held_se;    // against the held-out set's empirical score (empty without one)
};

// `train` (P x d, P >= 2) and `held` (none, or >= 2 rows; as many as train for the null) in data units.
ModelCollapseResult model_collapse(const Process& process, const Score& model, const Mat& train, const Mat& held,
                                   const ModelCollapseOptions& opt);

}  // namespace td
