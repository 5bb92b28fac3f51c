#include "core/quadrature.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "core/error.hpp"
#include "core/types.hpp"

namespace td {

std::vector<double> trapezoid_weights(const std::vector<double>& t) {
  std::vector<double> w(t.size(), 0.0);
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    w[i] += 0.5 * (t[i + 1] - t[i]);
    w[i + 1] += 0.5 * (t[i + 1] - t[i]);
  }
  return w;
}

std::vector<double> coarse_trapezoid_weights(const std::vector<double>& t) {
  std::vector<double> w(t.size(), 0.0);
  for (size_t i = 0; i + 1 < t.size(); i += 2) {
    const size_t j = std::min(i + 2, t.size() - 1);
    w[i] += 0.5 * (t[j] - t[i]);
    w[j] += 0.5 * (t[j] - t[i]);
  }
  return w;
}

std::vector<double> mixed_grid(double lo, double hi, int nodes) {
  std::vector<double> t;
  const int ng = nodes / 2, nu = nodes - ng;
  for (int i = 0; i < ng; ++i) t.push_back(lo * std::pow(hi / lo, double(i) / std::max(ng - 1, 1)));
  for (int i = 0; i < nu; ++i) t.push_back(lo + (hi - lo) * double(i) / std::max(nu - 1, 1));
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end(), [](double a, double b) { return std::abs(a - b) <= 1e-14 * b; }), t.end());
  return t;
}

const GaussRule& gauss_hermite(int n) {
  if (n < 1 || n > 400) throw InputError("gauss_hermite: need 1 <= n <= 400 nodes");
  static std::mutex mu;
  static std::map<int, GaussRule> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  // Jacobi matrix of the probabilists' Hermite polynomials: off-diagonal sqrt(k); the weights are
  // the squared first components of the eigenvectors (total mass 1).
  Mat Jm = Mat::Zero(n, n);
  for (int k = 1; k < n; ++k) Jm(k, k - 1) = Jm(k - 1, k) = std::sqrt(double(k));
  Eigen::SelfAdjointEigenSolver<Mat> es(Jm);
  GaussRule r;
  for (int i = 0; i < n; ++i) {
    r.x.push_back(es.eigenvalues()[i]);
    r.w.push_back(es.eigenvectors()(0, i) * es.eigenvectors()(0, i));
  }
  return cache.emplace(n, std::move(r)).first->second;
}

}  // namespace td
