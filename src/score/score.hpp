#pragma once
// One interface for every score model: a request (the score of a batch X, n x d; its divergence,
// none, exact or Hutchinson with the caller's probes; the log-density; one time for the batch or
// one per row) and its result. Implementations must be thread-safe for concurrent const calls
// (ensembles call them from several OpenMP threads).
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
};

struct ScoreResult {
  Mat score;        // n x d
  Vec div;          // divergence requested: n
  Vec div_var;      // Hutchinson: the variance of the probe mean per row (0 with one probe)
  Mat div_each;     // Hutchinson with per_probe: n x k, each probe's estimate (their row mean is div)
  Vec log_density;  // requested: n
};

class Score {
 public:
  virtual ~Score() = default;
  virtual int dim() const = 0;
  virtual std::string describe() const = 0;

  // Serves any request the score supports. The default builds it from the methods below: the exact
  // divergence from score_divergence, Hutchinson's from the Jacobian, per-row times by runs of equal
  // times. Networks override it (one pass for per-row times and probes).
  virtual void evaluate(const ScoreRequest& request, ScoreResult& result) const;
  virtual bool supports(Divergence d) const;

  // S = s(X, t), resized to n x d.
  virtual void score(const Mat& X, double t, Mat& S) const = 0;

  // S and div_i = (div s)(X_i, t).
  virtual bool has_divergence() const { return false; }
  virtual void score_divergence(const Mat& X, double t, Mat& S, Vec& div) const;

  // log q_t(X_i) when the score is the gradient of a known normalized density that evolves under
  // the forward process (an "exact score field", docs §2.5).
  virtual bool has_log_density() const { return false; }
  virtual void log_density(const Mat& X, double t, Vec& logp) const;

  // Jacobian ds/dx at one point (d x d).
  virtual bool has_jacobian() const { return false; }
  virtual void jacobian(const RowVec& x, double t, Mat& J) const;

  // The exact score of a Gaussian mixture, where this is one (the fast paths that evaluate mixtures
  // together or fuse whole trajectories ask here); nullptr for every other score.
  virtual const MixtureScore* mixture() const { return nullptr; }
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
