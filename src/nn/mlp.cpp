#include "nn/mlp.hpp"

#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

void MlpSpec::validate(const std::string& where) const {
  auto bad = [&](const std::string& what) { throw InputError(where + ": " + what); };
  if (d < 1) bad(fmt::format("dimension d = {} must be >= 1", d));
  if (width < 1) bad(fmt::format("width = {} must be >= 1", width));
  if (hidden < 1) bad(fmt::format("hidden = {} must be >= 1", hidden));
  if (embed < 2 || embed % 2) bad(fmt::format("embed = {} must be even and >= 2", embed));
  if (!(time_scale > 0)) bad("time_scale must be > 0");
}

void time_embedding(const MlpSpec& spec, double t, float* e) {
  const int half = spec.embed / 2;
  for (int i = 0; i < half; ++i) {
    const double w = std::exp(-std::log(10000.0) * i / half), a = spec.time_scale * t * w;
    e[i] = float(std::sin(a));
    e[half + i] = float(std::cos(a));
  }
}

void MlpWeights::validate(const std::string& where) const {
  spec.validate(where);
  const int L = spec.hidden + 1;
  if (int(W.size()) != L || int(b.size()) != L)
    throw InputError(fmt::format("{}: {} layers expected, found {} weights and {} biases", where, L, W.size(), b.size()));
  for (int l = 0; l < L; ++l) {
    const int in = l == 0 ? spec.d + spec.embed : spec.width, out = l == L - 1 ? spec.d : spec.width;
    if (W[l].rows() != out || W[l].cols() != in || b[l].size() != out)
      throw InputError(fmt::format("{}: layer {} has shape {}x{} (bias {}), expected {}x{}", where, l, W[l].rows(),
                                   W[l].cols(), b[l].size(), out, in));
  }
}

MlpNet::MlpNet(MlpWeights w) : w_(std::move(w)) { w_.validate("MLP weights"); }

std::string MlpNet::describe() const {
  return fmt::format("MLP (d = {}, {} x {} SiLU, embed {})", w_.spec.d, w_.spec.hidden, w_.spec.width, w_.spec.embed);
}

namespace {

// SiLU and its derivative, in place: H -> silu(H), and D = silu'(H).
void silu(MatF& H, MatF& D) {
  D.resizeLike(H);
  float* h = H.data();
  float* dd = D.data();
  const Eigen::Index m = H.size();
  for (Eigen::Index i = 0; i < m; ++i) {
    const float sg = 1.0f / (1.0f + std::exp(-h[i]));
    dd[i] = sg * (1.0f + h[i] * (1.0f - sg));
    h[i] *= sg;
  }
}

}  // namespace

void MlpNet::run(const MatF& X0, double t, MatF& T, MatF& out) const {
  const MlpSpec& s = w_.spec;
  const int n = int(X0.cols()), d = s.d, L = s.hidden + 1;
  const int m = n ? int(T.cols()) / n : 0;
  thread_local std::vector<float> emb;
  emb.resize(s.embed);
  time_embedding(s, t, emb.data());
  const Eigen::Map<const VecF> e(emb.data(), s.embed);
  // Layer 0: the time part is the same for every point, so it folds into the bias.
  const VecF b0 = w_.b[0] + w_.W[0].rightCols(s.embed) * e;
  MatF H = (w_.W[0].leftCols(d) * X0).colwise() + b0, D;
  MatF Tn = w_.W[0].leftCols(d) * T;  // width x (n m)
  for (int l = 1; l < L; ++l) {
    silu(H, D);
    for (int p = 0; p < m; ++p) Tn.middleCols(size_t(p) * n, n).array() *= D.array();
    H = (w_.W[l] * H).colwise() + w_.b[l];
    Tn = w_.W[l] * Tn;
  }
  out = std::move(H);
  T = std::move(Tn);
}

void MlpNet::check(const Mat& X) const {
  if (X.cols() != dim())
    throw InputError(fmt::format("{}: points have {} coordinates, expected {}", describe(), X.cols(), dim()));
}

void MlpNet::forward(const Mat& X, double t, Mat& out) const {
  check(X);
  MatF T(dim(), 0), O;
  run(X.transpose().cast<float>(), t, T, O);
  out = O.transpose().cast<double>();
}

void MlpNet::forward_quadratic(const Mat& X, double t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
  check(X);
  const int n = int(X.rows()), d = dim(), m = int(V.size());
  MatF T(d, size_t(n) * m), O;
  for (int p = 0; p < m; ++p) T.middleCols(size_t(p) * n, n) = V[p].transpose().cast<float>();
  const MatF Vt = T;
  run(X.transpose().cast<float>(), t, T, O);  // T <- J v, probe by probe
  out = O.transpose().cast<double>();
  Q.resize(n, m);
  for (int p = 0; p < m; ++p)
    Q.col(p) = (Vt.middleCols(size_t(p) * n, n).cwiseProduct(T.middleCols(size_t(p) * n, n))).colwise().sum()
                   .transpose().cast<double>();
}

void MlpNet::forward_trace(const Mat& X, double t, Mat& out, Vec& tr) const {
  check(X);
  const int n = int(X.rows()), d = dim();
  MatF T = MatF::Zero(d, size_t(n) * d), O;  // tangent k = unit vector e_k for every point
  for (int k = 0; k < d; ++k) T.row(k).segment(size_t(k) * n, n).setOnes();
  run(X.transpose().cast<float>(), t, T, O);
  out = O.transpose().cast<double>();
  tr.setZero(n);
  for (int k = 0; k < d; ++k) tr += T.row(k).segment(size_t(k) * n, n).transpose().cast<double>();
}

}  // namespace td
