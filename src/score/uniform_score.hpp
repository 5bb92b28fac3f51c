#pragma once
// The exact score of uniform data U[0, 1)^d (dequantized 8-bit pixels scaled to [0, 1)) under a
// forward process: per coordinate, x_t = alpha u + sigma z, so
//   p_t(x) = [Phi(x / sigma) - Phi((x - alpha) / sigma)] / alpha,
//   s(x)   = [phi(x / sigma) - phi((x - alpha) / sigma)] / (sigma [Phi(x / sigma) - Phi((x - alpha) / sigma)])
// (docs §3 ground truth; S0 = 0 nats = 8 bits/dim after dequantization). The CDF difference
// is taken from the tail on the point's side (erfc), which avoids cancellation within a few
// sigma of the interval.
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

class UniformScore final : public PointwiseScore {
 public:
  UniformScore(int d, Process process);
  int dim() const override { return d_; }
  std::string describe() const override;
  unsigned capabilities() const override { return kExactDivergence | kHutchinson | kLogDensity | kJacobian; }

 private:
  void score_at(const Mat& X, double t, Mat& S, Vec* div) const override;
  void log_density_at(const Mat& X, double t, Vec& logp) const override;
  void jacobian_at(const RowVec& x, double t, Mat& J) const override;
  // Per coordinate: log p, s and ds/dx.
  void coord(double x, double alpha, double sigma, double& logp, double& s, double& ds) const;
  int d_;
  Process process_;
};

// Bits per dimension of an NLL in nats for data in [0, 1)^d dequantized from 2^bits levels:
// NLL / (d ln 2) + bits (the density on [0, 1) is 2^bits times the density on the integer grid).
double bits_per_dim(double nll_nats, int d, int bits = 8);

}  // namespace td
