#include "score/uniform_score.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

UniformScore::UniformScore(int d, Process process) : d_(d), process_(std::move(process)) {
  if (d < 1) throw InputError(fmt::format("uniform data: dimension {} must be >= 1", d));
}

std::string UniformScore::describe() const { return fmt::format("exact score of U[0,1)^{} ({})", d_, process_.describe()); }

void UniformScore::coord(double x, double alpha, double sigma, double& logp, double& s, double& ds) const {
  const double a = x / sigma, b = (x - alpha) / sigma;
  // Phi(a) - Phi(b) from the tail on the point's side.
  const double diff = x < 0.5 * alpha ? 0.5 * (std::erfc(-a / M_SQRT2) - std::erfc(-b / M_SQRT2))
                                      : 0.5 * (std::erfc(b / M_SQRT2) - std::erfc(a / M_SQRT2));
  const double pa = std::exp(-0.5 * a * a) / std::sqrt(2 * M_PI), pb = std::exp(-0.5 * b * b) / std::sqrt(2 * M_PI);
  const double D = sigma * diff;
  logp = std::log(diff / alpha);
  s = (pa - pb) / D;
  ds = (-a * pa + b * pb) / (sigma * D) - s * s;
}

void UniformScore::score_at(const Mat& X, double t, Mat& S, Vec* div) const {
  const double al = process_.alpha(t), sg = process_.sigma(t);
  S.resize(X.rows(), d_);
  if (div) div->setZero(X.rows());
  double lp, s, ds;
  for (int j = 0; j < d_; ++j)
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      coord(X(i, j), al, sg, lp, s, ds);
      S(i, j) = s;
      if (div) (*div)[i] += ds;
    }
}

void UniformScore::log_density_at(const Mat& X, double t, Vec& logp) const {
  const double al = process_.alpha(t), sg = process_.sigma(t);
  logp.setZero(X.rows());
  double lp, s, ds;
  for (int j = 0; j < d_; ++j)
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      coord(X(i, j), al, sg, lp, s, ds);
      logp[i] += lp;
    }
}

void UniformScore::jacobian_at(const RowVec& x, double t, Mat& J) const {
  const double al = process_.alpha(t), sg = process_.sigma(t);
  J.setZero(d_, d_);
  double lp, s, ds;
  for (int j = 0; j < d_; ++j) {
    coord(x[j], al, sg, lp, s, ds);
    J(j, j) = ds;
  }
}

double bits_per_dim(double nll_nats, int d, int bits) { return nll_nats / (d * std::log(2.0)) + bits; }

}  // namespace td
