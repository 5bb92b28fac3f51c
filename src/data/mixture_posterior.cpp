#include "data/mixture_posterior.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/quadrature.hpp"

namespace td {
namespace {

// Component k's posterior coordinate variance and the weights of mu and x in its mean.
struct PostCoef {
  double v, cm, cx;
};
inline PostCoef post_coef(double s2, const Kernel& k) {
  const double den = k.sigma2 + k.alpha * k.alpha * s2;
  return {s2 * k.sigma2 / den, k.sigma2 / den, k.alpha * s2 / den};
}

// Row-wise softmax in place.
void softmax_rows(Mat& L) {
  const Vec mx = L.rowwise().maxCoeff();
  L.colwise() -= mx;
  L = L.array().exp();
  const Vec sum = L.rowwise().sum();
  L.array().colwise() /= sum.array();
}

}  // namespace

void posterior_weights(const GaussianMixture& g, const Kernel& k, const Mat& X, Mat& R) {
  const int n = int(X.rows()), d = g.dim(), K = g.K();
  if (X.cols() != d) throw InputError("posterior: points have the wrong dimension for the data");
  R.resize(n, K);
  for (int c = 0; c < K; ++c) {
    double base = std::log(g.weights[c]);
    Eigen::ArrayXd acc = Eigen::ArrayXd::Zero(n);
    for (int j = 0; j < d; ++j) {
      const double V = k.alpha * k.alpha * g.vars(c, j) + k.sigma2;
      base -= 0.5 * std::log(2 * M_PI * V);
      acc += (X.col(j).array() - k.alpha * g.means(c, j)).square() * (0.5 / V);
    }
    R.col(c) = base - acc;
  }
  softmax_rows(R);
}

void posterior_moments(const GaussianMixture& g, const Kernel& k, const Mat& X, Mat* mean, Vec* trace_var) {
  const int n = int(X.rows()), d = g.dim(), K = g.K();
  Mat R;
  posterior_weights(g, k, X, R);
  Mat M = Mat::Zero(n, d);
  for (int c = 0; c < K; ++c)
    for (int j = 0; j < d; ++j) {
      const PostCoef p = post_coef(g.vars(c, j), k);
      M.col(j).array() += R.col(c).array() * (p.cm * g.means(c, j) + p.cx * X.col(j).array());
    }
  if (trace_var) {
    trace_var->setZero(n);
    for (int c = 0; c < K; ++c) {
      Eigen::ArrayXd acc = Eigen::ArrayXd::Zero(n);
      for (int j = 0; j < d; ++j) {
        const PostCoef p = post_coef(g.vars(c, j), k);
        acc += p.v + (p.cm * g.means(c, j) + p.cx * X.col(j).array() - M.col(j).array()).square();
      }
      trace_var->array() += R.col(c).array() * acc;
    }
  }
  if (mean) *mean = std::move(M);
}

PosteriorEntropyRule posterior_entropy_rule(const GaussianMixture& g) {
  const bool any_zero = (g.vars.array() == 0).any(), all_zero = (g.vars.array() == 0).all();
  if (all_zero) return PosteriorEntropyRule::Discrete;
  if (any_zero)
    throw InputError("posterior entropy: data mixes delta and Gaussian components (no finite entropy)");
  return g.dim() == 1 ? PosteriorEntropyRule::Quadrature1D : PosteriorEntropyRule::ChainRule;
}

const char* posterior_entropy_rule_name(PosteriorEntropyRule r) {
  switch (r) {
    case PosteriorEntropyRule::Discrete: return "discrete posterior over the data points (exact)";
    case PosteriorEntropyRule::Quadrature1D: return "1-D Gauss-Hermite quadrature of the posterior mixture (exact)";
    case PosteriorEntropyRule::ChainRule: return "chain rule without H[z|x_0] (well-separated approximation, upper bound)";
  }
  return "";
}

void posterior_entropy(const GaussianMixture& g, const Kernel& k, const Mat& X, Vec& h, int nodes) {
  const int n = int(X.rows()), d = g.dim(), K = g.K();
  const PosteriorEntropyRule rule = posterior_entropy_rule(g);
  Mat R;
  posterior_weights(g, k, X, R);
  // Shannon entropy of the weights (0 ln 0 = 0).
  h = -(R.array() * R.array().max(1e-300).log()).rowwise().sum().matrix();
  if (rule == PosteriorEntropyRule::Discrete) return;
  if (rule == PosteriorEntropyRule::ChainRule) {
    for (int c = 0; c < K; ++c) {
      double hk = 0;  // entropy of component c's Gaussian posterior
      for (int j = 0; j < d; ++j) hk += 0.5 * std::log(2 * M_PI * M_E * post_coef(g.vars(c, j), k).v);
      h += R.col(c) * hk;
    }
    return;
  }
  // d = 1: h = -sum_c r_c E_{N(m_c, v_c)} ln q with q(y) = sum_b r_b N(y; m_b, v_b).
  const GaussRule& gh = gauss_hermite(nodes);
  std::vector<double> v(static_cast<size_t>(K)), cm(v), cx(v);
  for (int c = 0; c < K; ++c) {
    const PostCoef p = post_coef(g.vars(c, 0), k);
    v[size_t(c)] = p.v, cm[size_t(c)] = p.cm * g.means(c, 0), cx[size_t(c)] = p.cx;
  }
  std::vector<double> lb(static_cast<size_t>(K));
  for (int i = 0; i < n; ++i) {
    const double x = X(i, 0);
    double acc = 0;
    for (int c = 0; c < K; ++c) {
      if (R(i, c) < 1e-300) continue;
      const double mc = cm[size_t(c)] + cx[size_t(c)] * x, sc = std::sqrt(v[size_t(c)]);
      double e = 0;
      for (size_t q = 0; q < gh.x.size(); ++q) {
        const double y = mc + sc * gh.x[q];
        double mx = -INFINITY;
        for (int b = 0; b < K; ++b) {
          const double mb = cm[size_t(b)] + cx[size_t(b)] * x, dy = y - mb;
          lb[size_t(b)] = std::log(R(i, b)) - 0.5 * dy * dy / v[size_t(b)] - 0.5 * std::log(2 * M_PI * v[size_t(b)]);
          mx = std::max(mx, lb[size_t(b)]);
        }
        double s = 0;
        for (int b = 0; b < K; ++b) s += std::exp(lb[size_t(b)] - mx);
        e += gh.w[q] * (mx + std::log(s));
      }
      acc -= R(i, c) * e;
    }
    h[i] = acc;
  }
}

}  // namespace td
