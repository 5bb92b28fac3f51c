#include "observe/nearest_neighbors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

namespace {

void check(const Mat& q, const Mat& r, int k) {
  if (q.cols() != r.cols()) throw InputError(fmt::format("nearest neighbours: queries have {} columns, references {}", q.cols(), r.cols()));
  if (r.rows() < 1) throw InputError("nearest neighbours: no reference rows");
  if (k < 1 || k > r.rows()) throw InputError(fmt::format("nearest neighbours: k = {} with {} reference rows", k, r.rows()));
}

// The direct squared distance, in coordinate order: the one both searches rank by.
double direct(const Mat& q, Eigen::Index i, const Mat& r, Eigen::Index j) {
  double s = 0;
  for (Eigen::Index c = 0; c < q.cols(); ++c) {
    const double x = q(i, c) - r(j, c);
    s += x * x;
  }
  return s;
}

// The k best of (squared distance, index) candidates into row i of `out`.
void take_best(std::vector<std::pair<double, int64_t>>& c, int k, Eigen::Index i, Neighbors& out) {
  std::partial_sort(c.begin(), c.begin() + k, c.end());
  for (int j = 0; j < k; ++j) out.index(i, j) = c[size_t(j)].second, out.dist(i, j) = std::sqrt(c[size_t(j)].first);
}

}  // namespace

Neighbors nearest_neighbors_brute(const Mat& q, const Mat& r, int k) {
  check(q, r, k);
  Neighbors out{decltype(Neighbors::index)(q.rows(), k), Mat(q.rows(), k)};
#pragma omp parallel for schedule(static)
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    std::vector<std::pair<double, int64_t>> c(size_t(r.rows()));
    for (Eigen::Index j = 0; j < r.rows(); ++j) c[size_t(j)] = {direct(q, i, r, j), int64_t(j)};
    take_best(c, k, i, out);
  }
  return out;
}

Neighbors nearest_neighbors(const Mat& q, const Mat& r, int k) {
  check(q, r, k);
  const Eigen::Index m = q.rows(), n = r.rows(), d = q.cols();
  constexpr Eigen::Index kQ = 64, kR = 2048;  // a block of queries against a block of references
  const Vec qn = q.rowwise().squaredNorm(), rn = r.rowwise().squaredNorm();
  const double rmax = std::sqrt(rn.maxCoeff());
  // |computed - exact| of the product form is at most about (d + 2) u (|q| + |r|)^2; twice that (the
  // k-th best is itself off by as much) with a safety factor of 4.
  const double u = std::numeric_limits<double>::epsilon() / 2;
  Neighbors out{decltype(Neighbors::index)(m, k), Mat(m, k)};
  const Eigen::Index blocks = (m + kQ - 1) / kQ;
#pragma omp parallel for schedule(dynamic, 1)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index q0 = b * kQ, qm = std::min(kQ, m - q0);
    std::vector<std::vector<std::pair<double, int64_t>>> cand(static_cast<size_t>(qm));  // product-form candidates
    std::vector<double> kth(static_cast<size_t>(qm), INFINITY), tol(static_cast<size_t>(qm));
    for (Eigen::Index i = 0; i < qm; ++i) {
      const double s = std::sqrt(qn[q0 + i]) + rmax;
      tol[size_t(i)] = 8.0 * double(d + 2) * u * s * s;
    }
    Mat G;
    for (Eigen::Index r0 = 0; r0 < n; r0 += kR) {
      const Eigen::Index rm = std::min(kR, n - r0);
      G.noalias() = q.middleRows(q0, qm) * r.middleRows(r0, rm).transpose();
      for (Eigen::Index i = 0; i < qm; ++i) {
        auto& c = cand[size_t(i)];
        for (Eigen::Index j = 0; j < rm; ++j) {
          const double s = qn[q0 + i] + rn[r0 + j] - 2 * G(i, j);
          if (s <= kth[size_t(i)] + tol[size_t(i)]) c.emplace_back(s, int64_t(r0 + j));
        }
        if (c.size() >= size_t(k) && c.size() > size_t(4 * k + 64)) {  // prune to those that can still rank
          std::nth_element(c.begin(), c.begin() + (k - 1), c.end());
          kth[size_t(i)] = c[size_t(k - 1)].first;
          const double keep = kth[size_t(i)] + tol[size_t(i)];
          c.erase(std::remove_if(c.begin(), c.end(), [&](const auto& x) { return x.first > keep; }), c.end());
        }
      }
    }
    for (Eigen::Index i = 0; i < qm; ++i) {
      auto& c = cand[size_t(i)];
      std::nth_element(c.begin(), c.begin() + (k - 1), c.end());
      const double keep = c[size_t(k - 1)].first + tol[size_t(i)];
      std::vector<std::pair<double, int64_t>> exact;
      for (const auto& x : c)
        if (x.first <= keep) exact.emplace_back(direct(q, q0 + i, r, x.second), x.second);
      take_best(exact, k, q0 + i, out);
    }
  }
  return out;
}

}  // namespace td
