#include "observe/score_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "observe/lanczos.hpp"

namespace td {
namespace {

constexpr int kChunk = 8;  // points per batch of products (and per parallel task)

// Points [from, from + n): every Jacobian whole (a network: d forward tangents or products per point).
void full_spectra(const Score& s, const Mat& X, double t, Eigen::Index from, Eigen::Index n, PointSpectra& r) {
  const Eigen::Index d = X.cols();
  Mat Js;
  s.jacobians(X.middleRows(from, n), t, Js);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Mat J = Js.middleRows(i * d, d);
    const Mat sym = 0.5 * (J + J.transpose()), skew = J - J.transpose();
    Eigen::SelfAdjointEigenSolver<Mat> es(sym, Eigen::EigenvaluesOnly);
    r.values.row(from + i) = es.eigenvalues().transpose();
    r.residual.row(from + i).setZero();
    r.asymmetry[from + i] = sym.norm() > 0 ? skew.norm() / (2 * sym.norm()) : 0.0;
  }
}

// Points [from, from + n) by block Lanczos on the symmetric part's products.
void lanczos_spectra(const Score& s, const Mat& X, double t, const SpectrumOptions& o, const RngKey& key,
                     uint64_t first_id, Eigen::Index from, Eigen::Index n, PointSpectra& r) {
  const int d = int(X.cols());
  const Mat Xc = X.middleRows(from, n);
  Vec skew2 = Vec::Zero(n), sym2 = Vec::Zero(n);
  const BatchMatVec apply = [&](const Mat& V, Mat& AV) {
    Mat JV, JTV;
    s.jacobian_products(Xc, t, V, JV, &JTV);
    AV = 0.5 * (JV + JTV);
    skew2 += (JV - JTV).rowwise().squaredNorm();
    sym2 += (JV + JTV).rowwise().squaredNorm();
  };
  const int steps = std::min(o.steps, d / o.block);
  const LanczosResult lr = block_lanczos_batch(int(n), d, apply, o.block, steps, key, first_id + uint64_t(from));
  r.values.middleRows(from, n) = lr.ritz;
  r.residual.middleRows(from, n) = lr.residual;
  for (Eigen::Index i = 0; i < n; ++i) r.asymmetry[from + i] = sym2[i] > 0 ? std::sqrt(skew2[i] / sym2[i]) : 0.0;
}

}  // namespace

void SpectrumOptions::validate(const char* where) const {
  if (full_max_dim < 0 || full_max_dim > 1024)
    throw InputError(fmt::format("{}: full_max_dim = {} must be in [0, 1024] (d products of d numbers per point)", where, full_max_dim));
  if (block < 1 || block > 64) throw InputError(fmt::format("{}: block = {} must be in [1, 64]", where, block));
  if (steps < 2 || steps > 512) throw InputError(fmt::format("{}: steps = {} must be in [2, 512]", where, steps));
}

PointSpectra score_spectra(const Score& s, const Mat& X, double t, const SpectrumOptions& o, const RngKey& key,
                           uint64_t first_id) {
  o.validate("Jacobian spectrum");
  if (!s.has_jacobian_products())
    throw InputError(fmt::format("Jacobian spectrum: score '{}' has no Jacobian-vector products", s.describe()));
  const bool full = X.cols() <= o.full_max_dim || X.cols() < 2 * o.block;
  if (full && !s.has_jacobian())
    throw InputError(fmt::format("Jacobian spectrum: score '{}' has no whole Jacobian (set full_max_dim below d = {} for Lanczos)",
                                 s.describe(), X.cols()));
  if (X.cols() != s.dim()) throw InputError(fmt::format("Jacobian spectrum: points have {} coordinates, the score {}", X.cols(), s.dim()));
  const int d = s.dim();
  PointSpectra r;
  r.full = full;
  const int m = r.full ? d : o.block * std::min(o.steps, d / o.block);
  r.values = Mat::Constant(X.rows(), m, std::numeric_limits<double>::quiet_NaN());
  r.residual = r.values;
  r.asymmetry.setZero(X.rows());
  const int64_t chunks = (X.rows() + kChunk - 1) / kChunk;
  ParallelFailure failure;
#pragma omp parallel for schedule(dynamic)
  for (int64_t c = 0; c < chunks; ++c)
    failure.run(c, [&] {
      const Eigen::Index from = c * kChunk, n = std::min<Eigen::Index>(kChunk, X.rows() - from);
      if (r.full) full_spectra(s, X, t, from, n, r);
      else lanczos_spectra(s, X, t, o, key, first_id, from, n, r);
    });
  failure.rethrow();
  return r;
}

}  // namespace td
