#pragma once
// Neural score models. A Network is any map f(x, t) -> R^d (an MLP evaluated here, a user's
// TorchScript module, ...); NetworkScore turns it into a Score through its prediction type:
//   eps   : f = eps-prediction,  s = -f / sigma(t),            div s = -tr(df/dx) / sigma(t)
//   score : f = s,                s = f,                        div s = tr(df/dx)
//   x0    : f = x0-prediction,   s = (alpha f - x) / sigma^2,  div s = (alpha tr(df/dx) - d) / sigma^2
// with alpha(t), sigma(t) the forward process's marginal kernel x_t = alpha x_0 + sigma eps.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

enum class Prediction { Eps, Score, X0 };
Prediction parse_prediction(const std::string& name);  // "eps" | "score" | "x0"; throws InputError
std::string prediction_name(Prediction p);

class Network {
 public:
  virtual ~Network() = default;
  virtual int dim() const = 0;
  virtual std::string describe() const = 0;
  // Times t: one per row of X, or a single entry for every row (the adaptive PF-ODE solver gives
  // each sample its own clock; everything else evaluates a batch at one time).
  // out = f(X, t), n x d.
  virtual void forward(const Mat& X, const Vec& t, Mat& out) const = 0;
  // out = f(X, t) and Q(i, p) = v_p(i) . J(X_i) v_p(i), J = df/dx, for probes V[p] (n x d each): the
  // Hutchinson samples (a JVP or a VJP gives them).
  virtual void forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const = 0;
  // out = f(X, t) and tr_i = trace of df/dx at X_i, exact.
  virtual void forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const = 0;
  // out = f(X, t), JV.row(i) = J(X_i) V.row(i) and JTV.row(i) = J(X_i)^T V.row(i), J = df/dx (a
  // network's J need not be symmetric: the geometry takes its symmetric part and reports the rest).
  virtual void jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const = 0;
  // J = df/dx at every row, stacked ((n d) x d); by default from the products with the unit vectors.
  virtual void jacobians(const Mat& X, const Vec& t, Mat& J) const;

  // One time for the whole batch.
  void forward(const Mat& X, double t, Mat& out) const { forward(X, Vec::Constant(1, t), out); }
  void forward_quadratic(const Mat& X, double t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
    forward_quadratic(X, Vec::Constant(1, t), V, out, Q);
  }
  void forward_trace(const Mat& X, double t, Mat& out, Vec& tr) const { forward_trace(X, Vec::Constant(1, t), out, tr); }

 protected:
  // Throws InputError unless X has dim() columns and t has 1 or X.rows() entries.
  void check_batch(const Mat& X, const Vec& t) const;
};

// The network's output in the prediction type p, given the score s at (X, t): the inverse of the
// adapter above (training targets and the round-trip test use it).
void score_to_prediction(Prediction p, const Process& process, const Mat& X, double t, const Mat& S, Mat& F);
// The adapter itself: S (and, when tr is given, div) from the network output F; t per row or one
// for all rows.
void prediction_to_score(Prediction p, const Process& process, const Mat& X, const Vec& t, const Mat& F, Mat& S,
                         const Vec* tr = nullptr, Vec* div = nullptr);

class NetworkScore final : public Score {
 public:
  // `name`: the config's model name, which every error about the network's output cites.
  NetworkScore(std::shared_ptr<const Network> net, Process process, Prediction prediction, std::string name = "");
  int dim() const override { return net_->dim(); }
  std::string describe() const override;
  // The exact divergence by the forward-mode Jacobian trace (d tangents per point), Hutchinson's as
  // the mean over the probes of v . (J v), Jacobian-vector products both ways, whole Jacobians; no
  // log-density.
  unsigned capabilities() const override { return kExactDivergence | kHutchinson | kJacobianProducts | kJacobian; }
  const Network& network() const { return *net_; }
  Prediction prediction() const { return prediction_; }

 private:
  // Every request in one pass of the network, per-row times included; div_var is the variance of
  // the probes' mean (the per-probe sample variance / k; 0 when k = 1).
  void compute(const ScoreRequest& request, ScoreResult& result) const override;
  // A network's output must be finite (core/nonfinite): the time, first bad row and its input name a fault.
  void check_output(const Mat& X, const Vec& t, const Mat& F, const Vec* tr) const;
  // The score is affine in the network's output and in x: ds/dx = a(t) df/dx + b(t) I.
  std::pair<double, double> jacobian_affine(double t) const;
  void compute_products(const ScoreRequest& request, const Vec& t, ScoreResult& result) const;
  void compute_jacobians(const ScoreRequest& request, const Vec& t, ScoreResult& result) const;
  template <class F>
  void named(F&& call) const;
  std::shared_ptr<const Network> net_;
  Process process_;
  Prediction prediction_;
  std::string name_;
};

}  // namespace td
