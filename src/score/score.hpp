#pragma once
// One interface for every score model: a request (the score of a batch X, n x d; its divergence,
// none, exact or Hutchinson with the caller's probes; the log-density; the Jacobian at a point; one
// time for the batch or one per row) and its result. Implementations must be thread-safe for
// concurrent const calls (ensembles call them from several OpenMP threads).
#include <string>
#include <vector>

#include "core/types.hpp"

namespace td {

class MixtureScore;
enum class Divergence { None, Exact, Hutchinson };

struct ScoreRequest {
  const Mat& X;
  double t = 0;                              // one time for every row ...
  const Vec* times = nullptr;                // ... or one per row (X.rows() entries)
  Divergence divergence = Divergence::None;
  const std::vector<Mat>* probes = nullptr;  // Hutchinson: k >= 1 Rademacher probes, n x d each, drawn
                                             // by the caller (keyed by trajectory identity)
  bool log_density = false;
  bool per_probe = false;  // Hutchinson: also each probe's estimate (ScoreResult::div_each)
  bool score = true;       // false: only what else is asked (a log-density alone)
  bool jacobian = false;   // the Jacobians ds/dx at every row, (n d) x d (rows [i d, i d + d): the one at
                           // X_i), and nothing else
  const Mat* tangents = nullptr;  // n x d: the products J_i v_i and J_i^T v_i of every row (J_i = ds/dx
                                  // at X_i, v_i row i), and nothing else
};

struct ScoreResult {
  Mat score;        // n x d
  Vec div;          // divergence requested: n
  Vec div_var;      // Hutchinson: the variance of the probe mean per row (0 with one probe)
  Mat div_each;     // Hutchinson with per_probe: n x k, each probe's estimate (their row mean is div)
  Vec log_density;  // requested: n
  Mat jacobian;     // requested: (n d) x d, the rows' Jacobians stacked
  Mat jv, jtv;      // tangents given: n x d, rows J_i v_i and J_i^T v_i (equal for a gradient field)
};

// What a score can compute beyond s(X, t) itself (Score::capabilities).
enum ScoreCapability : unsigned {
  kExactDivergence = 1u << 0,  // Divergence::Exact
  kHutchinson = 1u << 1,       // Divergence::Hutchinson
  kLogDensity = 1u << 2,       // log q_t(X_i): the gradient of a known normalized density that evolves
                               // under the forward process (an "exact score field", docs/models.md)
  kJacobian = 1u << 3,         // ds/dx, the whole d x d matrix at each point
  kJacobianProducts = 1u << 4, // J v and J^T v for a batch (every score with kJacobian has them too)
};

// One interface for every score model: a request in, a result out. `evaluate` checks the request
// against `capabilities()` (an InputError naming the score and what it lacks) and hands it to the
// model's one computation, `compute`. The rest are shorthands for common requests.
class Score {
 public:
  virtual ~Score() = default;
  virtual int dim() const = 0;
  virtual std::string describe() const = 0;
  virtual unsigned capabilities() const = 0;
  // The exact score of a Gaussian mixture, where this is one (the fast paths that evaluate mixtures
  // together or fuse whole trajectories ask here); nullptr for every other score.
  virtual const MixtureScore* mixture() const { return nullptr; }

  void evaluate(const ScoreRequest& request, ScoreResult& result) const;

  bool has_divergence() const { return (capabilities() & kExactDivergence) != 0; }
  bool has_log_density() const { return (capabilities() & kLogDensity) != 0; }
  bool has_jacobian() const { return (capabilities() & kJacobian) != 0; }
  bool has_jacobian_products() const { return (capabilities() & (kJacobian | kJacobianProducts)) != 0; }
  bool supports(Divergence d) const;
  // S = s(X, t), resized to n x d (the storage of S and div is reused).
  void score(const Mat& X, double t, Mat& S) const;
  // S and div_i = (div s)(X_i, t), exact.
  void score_divergence(const Mat& X, double t, Mat& S, Vec& div) const;
  void log_density(const Mat& X, double t, Vec& logp) const;
  void jacobian(const RowVec& x, double t, Mat& J) const;
  // J = the Jacobians at the rows of X stacked, (n d) x d.
  void jacobians(const Mat& X, double t, Mat& J) const;
  // JV.row(i) = J(X_i) V.row(i) and, when JTV is given, J(X_i)^T V.row(i).
  void jacobian_products(const Mat& X, double t, const Mat& V, Mat& JV, Mat* JTV = nullptr) const;

 private:
  // Serves a request that evaluate has checked.
  virtual void compute(const ScoreRequest& request, ScoreResult& result) const = 0;
};

// A score known at one time in closed form (mixtures, uniform data, a perturbation of another
// score): compute serves every request from the pieces below, per-row times by runs of equal times
// and Hutchinson's divergence from the Jacobian.
class PointwiseScore : public Score {
 protected:
  // S = s(X, t) and, when div is given, its exact divergence (asked only with kExactDivergence).
  virtual void score_at(const Mat& X, double t, Mat& S, Vec* div) const = 0;
  virtual void log_density_at(const Mat& X, double t, Vec& logp) const;  // asked only with kLogDensity
  virtual void jacobian_at(const RowVec& x, double t, Mat& J) const;     // asked only with kJacobian
  // J_i v_i and J_i^T v_i per row; by default from jacobian_at, one d x d matrix per point.
  virtual void jacobian_products_at(const Mat& X, double t, const Mat& V, Mat& JV, Mat& JTV) const;

 private:
  void compute(const ScoreRequest& request, ScoreResult& result) const final;
  void compute_at(const Mat& X, double t, const ScoreRequest& q, ScoreResult& r) const;
  void stacked_jacobians(const Mat& X, const Vec* times, double t, Mat& J) const;
};

// Throws InputError naming `who` and the score unless it supports divergence `d` (checked up front).
void require_support(const Score& s, Divergence d, const char* who);
// The divergence a caller with `probes` Hutchinson probes asks for (0: exact).
inline Divergence divergence_for(int probes) { return probes > 0 ? Divergence::Hutchinson : Divergence::Exact; }

// The score and its divergence at one time (or a time per row, `times`): exact without probes,
// Hutchinson's with them. A shorthand for evaluate.
void score_and_divergence(const Score& s, const Mat& X, double t, const std::vector<Mat>& probes, Mat& S, Vec& div,
                          const Vec* times = nullptr);

}  // namespace td
