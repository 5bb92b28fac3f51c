#include "nn/mlp.hpp"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>

#include "core/error.hpp"
#include "core/gemm_f32.hpp"
#include "core/lane_exp.hpp"

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

MlpNet::MlpNet(MlpWeights w) : w_(std::move(w)) {
  w_.validate("MLP weights");
  const MlpSpec& s = w_.spec;
  const int L = s.hidden + 1;
  wp_ = (s.width + 15) / 16 * 16;
  for (int l = 0; l + 1 < L; ++l) {
    const int in = l == 0 ? s.d : s.width;
    MatF W = MatF::Zero(wp_, l == 0 ? s.d : wp_);
    W.topLeftCorner(s.width, in) = w_.W[l].leftCols(in);
    Wp_.push_back(std::move(W));
    VecF b = VecF::Zero(wp_);
    b.head(s.width) = w_.b[l];
    bp_.push_back(std::move(b));
  }
  Wt_ = MatF::Zero(wp_, s.embed);
  Wt_.topRows(s.width) = w_.W[0].rightCols(s.embed);
  Wout_ = MatF::Zero(s.d, wp_);
  Wout_.leftCols(s.width) = w_.W[L - 1];
}

std::string MlpNet::describe() const {
  return fmt::format("MLP (d = {}, {} x {} SiLU, embed {})", w_.spec.d, w_.spec.hidden, w_.spec.width, w_.spec.embed);
}

namespace {

// SiLU and its derivative over the first `count` entries of h (in place) and dd, 16 lanes at a
// time: silu(h) = h sg, silu'(h) = sg (1 + h (1 - sg)), sg = 1 / (1 + e^-h) from e = exp(-|h|)
// (so the exp argument is never positive). A partial last group goes through the same lanes via
// a padded copy, so every entry is computed identically wherever it sits in the block.
inline void silu_lanes(float* h, float* dd) {
  V16f x, one = splatf(1.0f);
  std::memcpy(&x, h, sizeof x);
  const V16f ax = x < 0 ? -x : x;
  const V16f e = expf_nonpositive(-ax);
  const V16f sg = (x >= 0 ? one : e) / (one + e);
  const V16f y = x * sg, dy = sg * (one + x * (one - sg));
  std::memcpy(h, &y, sizeof y);
  std::memcpy(dd, &dy, sizeof dy);
}

void silu(float* h, float* dd, Eigen::Index count) {
  Eigen::Index i = 0;
  for (; i + 16 <= count; i += 16) silu_lanes(h + i, dd + i);
  if (i < count) {
    float hb[16] = {}, db[16];
    std::memcpy(hb, h + i, sizeof(float) * size_t(count - i));
    silu_lanes(hb, db);
    std::memcpy(h + i, hb, sizeof(float) * size_t(count - i));
    std::memcpy(dd + i, db, sizeof(float) * size_t(count - i));
  }
}

}  // namespace

// Layer 0's time part is the same for every point of one time, so it folds into the bias
// (computed once per run of equal times: a batch at one time costs one product). Columns n..np-1
// are padding and repeat the last point's time.
void MlpNet::add_layer0_bias(MatF& A, const Vec& t, Eigen::Index n, Eigen::Index np) const {
  thread_local std::vector<float> emb;
  emb.resize(size_t(w_.spec.embed));
  VecF b0;
  double tb = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index i = 0; i < np; ++i) {
    const double ti = t[t.size() == 1 ? 0 : std::min<Eigen::Index>(i, n - 1)];
    if (!(ti == tb)) {
      time_embedding(w_.spec, ti, emb.data());
      b0 = bp_[0] + Wt_ * Eigen::Map<const VecF>(emb.data(), w_.spec.embed);
      tb = ti;
    }
    A.col(i) += b0;
  }
}

void MlpNet::run(const MatF& X0, const Vec& t, MatF& T, MatF& out) const {
  const MlpSpec& s = w_.spec;
  const int n = int(X0.cols()), d = s.d, L = s.hidden + 1;
  const int m = n ? int(T.cols() / n) : 0;
  // Activations and tangents side by side, A = [H | T_1 .. T_m] (wp x np(1+m)), so each layer is
  // one GEMM. Every segment is padded with zero columns to np, a multiple of 8 (gemm_f32's tile;
  // also keeps the last layer's Eigen product on its full-panel path, so a point's values do not
  // depend on how many points or tangents share the call). Buffers are per thread and keep their
  // size between calls (no allocation in the time loop).
  const Eigen::Index np = (n + 7) / 8 * 8, cols = np * (1 + m);
  thread_local MatF A, B, D, In, Out;
  In.setZero(d, cols);
  In.leftCols(n) = X0;
  for (int p = 1; p <= m; ++p) In.middleCols(p * np, n) = T.middleCols(Eigen::Index(p - 1) * n, n);
  A.resize(wp_, cols);
  B.resize(wp_, cols);
  D.resize(wp_, np);
  gemm_f32(Wp_[0].data(), In.data(), A.data(), wp_, d, cols);
  add_layer0_bias(A, t, n, np);
  for (int l = 1; l < L; ++l) {
    silu(A.data(), D.data(), Eigen::Index(wp_) * np);
    for (int p = 1; p <= m; ++p) A.middleCols(p * np, np).array() *= D.array();
    if (l + 1 == L) break;
    gemm_f32(Wp_[l].data(), A.data(), B.data(), wp_, wp_, cols);
    B.leftCols(np).colwise() += bp_[l];
    std::swap(A, B);
  }
  Out.noalias() = Wout_ * A;  // d x cols
  out = Out.leftCols(n).colwise() + w_.b[L - 1];
  for (int p = 1; p <= m; ++p) T.middleCols(Eigen::Index(p - 1) * n, n) = Out.middleCols(p * np, n);
}

void MlpNet::forward(const Mat& X, const Vec& t, Mat& out) const {
  check_batch(X, t);
  MatF T(dim(), 0), O;
  run(X.transpose().cast<float>(), t, T, O);
  out = O.transpose().cast<double>();
}

void MlpNet::forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
  check_batch(X, t);
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

void MlpNet::jacobians(const Mat& X, const Vec& t, Mat& J) const {
  check_batch(X, t);
  const int n = int(X.rows()), d = dim();
  MatF T = MatF::Zero(d, size_t(n) * d), O;  // tangent block k = e_k for every point
  for (int k = 0; k < d; ++k) T.row(k).segment(size_t(k) * n, n).setOnes();
  run(X.transpose().cast<float>(), t, T, O);
  J.resize(Eigen::Index(n) * d, d);
  for (int k = 0; k < d; ++k)  // block k, column i: J_i e_k, column k of J_i
    for (int i = 0; i < n; ++i) J.block(Eigen::Index(i) * d, k, d, 1) = T.col(Eigen::Index(k) * n + i).cast<double>();
}

void MlpNet::forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const {
  check_batch(X, t);
  const int n = int(X.rows()), d = dim();
  MatF T = MatF::Zero(d, size_t(n) * d), O;  // tangent k = unit vector e_k for every point
  for (int k = 0; k < d; ++k) T.row(k).segment(size_t(k) * n, n).setOnes();
  run(X.transpose().cast<float>(), t, T, O);
  out = O.transpose().cast<double>();
  tr.setZero(n);
  for (int k = 0; k < d; ++k) tr += T.row(k).segment(size_t(k) * n, n).transpose().cast<double>();
}

// G = J^T U per column (J = df/dx at column i of X0): the forward pass keeps each layer's SiLU
// derivatives, the reverse pass multiplies by them and by the transposed weights, last layer first.
void MlpNet::vector_jacobian(const MatF& X0, const Vec& t, const MatF& U, MatF& G) const {
  const int n = int(X0.cols()), hidden = w_.spec.hidden;
  MatF A = Wp_[0] * X0;
  add_layer0_bias(A, t, n, n);
  std::vector<MatF> D(size_t(hidden), MatF(wp_, n));
  for (int l = 1; l <= hidden; ++l) {
    silu(A.data(), D[size_t(l - 1)].data(), A.size());
    if (l < hidden) A = (Wp_[size_t(l)] * A).colwise() + bp_[size_t(l)];
  }
  MatF B = Wout_.transpose() * U;  // wp x n
  for (int l = hidden; l >= 1; --l) B = Wp_[size_t(l - 1)].transpose() * B.cwiseProduct(D[size_t(l - 1)]);
  G = std::move(B);  // d x n
}

void MlpNet::jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const {
  check_batch(X, t);
  if (V.rows() != X.rows() || V.cols() != X.cols())
    throw InputError(fmt::format("{}: {} x {} tangents for {} x {} points", describe(), V.rows(), V.cols(), X.rows(), X.cols()));
  const MatF X0 = X.transpose().cast<float>(), Vt = V.transpose().cast<float>();
  MatF T = Vt, O, G;
  run(X0, t, T, O);  // T <- J v
  vector_jacobian(X0, t, Vt, G);
  out = O.transpose().cast<double>();
  JV = T.transpose().cast<double>();
  JTV = G.transpose().cast<double>();
}

}  // namespace td
