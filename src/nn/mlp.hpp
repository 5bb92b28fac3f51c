#pragma once
// The paper's MLP score network (Ding-Quan-Tu, Methods 1.2): input = [x, e(t)] with e a sinusoidal
// embedding of t, `hidden` layers of `width` with SiLU, output of dimension d. Training runs in
// LibTorch (train/); evaluation runs here, in single precision with Eigen, with the exact
// Jacobian trace by forward-mode differentiation: every layer carries d tangent matrices
// through the same GEMMs, so score + exact divergence cost (1 + d) forward passes and no graph.
// The GEMMs are core/gemm_f32 (register-tiled, AVX-512 friendly, order of sums fixed per entry).
#include <Eigen/Dense>
#include <vector>

#include "nn/network.hpp"

namespace td {

struct MlpSpec {
  int d = 2;
  int width = 128;
  int hidden = 3;           // hidden layers (SiLU after each)
  int embed = 32;           // time-embedding size (even)
  double time_scale = 1000; // e(t) = [sin(time_scale t w_i), cos(time_scale t w_i)], w_i = 10000^(-i/(embed/2))
  Prediction prediction = Prediction::Eps;
  void validate(const std::string& where) const;  // throws InputError
};

// e(t) for one t, `embed` values (float, as the network sees them).
void time_embedding(const MlpSpec& spec, double t, float* e);

using MatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using VecF = Eigen::Matrix<float, Eigen::Dynamic, 1>;

// Layers l = 0..hidden: W[l] is out x in (PyTorch's Linear layout), b[l] has out entries.
struct MlpWeights {
  MlpSpec spec;
  std::vector<MatF> W;
  std::vector<VecF> b;
  void validate(const std::string& where) const;  // shapes against spec; throws InputError
};

class MlpNet final : public Network {
 public:
  explicit MlpNet(MlpWeights w);
  int dim() const override { return w_.spec.d; }
  std::string describe() const override;
  using Network::forward;
  using Network::forward_quadratic;
  using Network::forward_trace;
  void forward(const Mat& X, const Vec& t, Mat& out) const override;
  void forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const override;
  void forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const override;
  // J v by forward tangents, J^T v by one reverse pass through the stored SiLU derivatives.
  void jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const override;
  // d forward tangents per point through one primal pass (the exact trace's layout).
  void jacobians(const Mat& X, const Vec& t, Mat& J) const override;
  const MlpWeights& weights() const { return w_; }

 private:
  // Runs the layers on A0 = X^T (d x n) and tangents T (d x (n*m), m blocks of n columns), returns
  // the output (d x n) and the output tangents (d x (n*m)).
  void run(const MatF& X0, const Vec& t, MatF& T, MatF& out) const;
  void add_layer0_bias(MatF& A, const Vec& t, Eigen::Index n, Eigen::Index np) const;
  void vector_jacobian(const MatF& X0, const Vec& t, const MatF& U, MatF& G) const;  // G = J^T U, d x n
  MlpWeights w_;
  // The weights padded with zeros to wp_ = width rounded up to 16 rows (and columns), the layout
  // gemm_f32 needs; zero rows give zero activations and tangents, so the padding is exact.
  int wp_ = 0;
  std::vector<MatF> Wp_;  // layer 0: wp x d (the x part); layers 1..hidden-1: wp x wp
  std::vector<VecF> bp_;  // layers 0..hidden-1, wp entries
  MatF Wt_;               // layer 0, time part: wp x embed
  MatF Wout_;             // last layer: d x wp
};

}  // namespace td
