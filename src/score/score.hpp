#pragma once
// One interface for every score model: s(X, t) for a batch X (n x d, column-major), with optional
// divergence, log-density and Jacobian. Implementations must be thread-safe for concurrent const
// calls (ensembles call them from several OpenMP threads).
#include <string>

#include "core/types.hpp"

namespace td {

class Score {
 public:
  virtual ~Score() = default;
  virtual int dim() const = 0;
  virtual std::string describe() const = 0;

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
};

}  // namespace td
