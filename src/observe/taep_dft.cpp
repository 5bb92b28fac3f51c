#include "observe/taep_dft.hpp"

#include <algorithm>
#include <cmath>

namespace td {
namespace {

class ReverseTaepObserver final : public ReverseObserver {
 public:
  ReverseTaepObserver(const Process& p, const Score& target, const Score& model, std::vector<double>& out)
      : process_(p), target_(target), model_(model), out_(out) {}
  void begin(const uint64_t* ids, int n, int n_valid, double, const Mat&) override {
    first_ = int64_t(ids[0]);
    n_valid_ = n_valid;
    acc_.setZero(n);
  }
  void step(int, double t, double dt, const Mat& Xn, const Mat& Xnext, const Mat&) override {
    target_.score_divergence(Xn, t, St_, dt_);
    model_.score_divergence(Xn, t, Sm_, dm_);
    const double g2 = process_.g2(t), a = process_.drift_coef(t);
    acc_ += (g2 * dt) * (dm_ - dt_ + 0.5 * (Sm_.rowwise().squaredNorm() - St_.rowwise().squaredNorm()));
    D_ = Xnext - Xn - (a * dt) * Xn;  // g dW recovered from the path
    acc_ += ((Sm_ - St_).cwiseProduct(D_)).rowwise().sum();
  }
  void end(double, const Mat&) override {
    for (int i = 0; i < n_valid_; ++i) out_[size_t(first_ + i)] = acc_[i];
  }
 private:
  const Process& process_;
  const Score& target_;
  const Score& model_;
  std::vector<double>& out_;
  int64_t first_ = 0;
  int n_valid_ = 0;
  Vec acc_, dt_, dm_;
  Mat St_, Sm_, D_;
};

}  // namespace

std::vector<double> run_taep_on_reverse_paths(const Process& process, const TimeGrid& grid, const Score& target,
                                              const Score& model, const EnsembleSpec& spec, const InitFn& init_T,
                                              const NoiseSource& noise, ReverseScheme scheme) {
  std::vector<double> out(size_t(spec.trajectories));
  const auto [lo, hi] = ensemble_range(spec);
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {  // under mpirun, this rank's paths
    run_reverse_ensemble(process, grid, model, part, init_T, noise,
                         [&] { return std::make_unique<ReverseTaepObserver>(process, target, model, out); }, scheme);
  }, {items(out, lo, hi)});
  return out;
}

DftCheck dft_check(const std::vector<double>& fwd, const std::vector<double>& rev, int bins, int min_count) {
  DftCheck c;
  std::vector<double> all = fwd;
  all.insert(all.end(), rev.begin(), rev.end());
  const double lo = quantile(all, 1e-3), hi = quantile(all, 1 - 1e-3);
  c.forward = histogram(fwd, bins, lo, hi);
  c.reverse = histogram(rev, bins, lo, hi);
  const double nf = double(fwd.size()), nr = double(rev.size());
  // Weighted least squares of y = ln(cf/nf) - ln(cr/nr) on the bin centre; Var y ~ 1/cf + 1/cr.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int b = 0; b < bins; ++b) {
    const double cf = double(c.forward.counts[b]), cr = double(c.reverse.counts[b]);
    if (cf < min_count || cr < min_count) continue;
    const double x = 0.5 * (c.forward.edges[b] + c.forward.edges[b + 1]);
    const double y = std::log(cf / nf) - std::log(cr / nr), v = 1.0 / cf + 1.0 / cr, w = 1.0 / v;
    c.centers.push_back(x);
    c.log_ratio.push_back(y);
    c.log_ratio_se.push_back(std::sqrt(v));
    sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
  }
  const double det = sw * sxx - sx * sx;
  if (c.centers.size() >= 2 && det > 0) {
    c.slope = (sw * sxy - sx * sy) / det;
    c.intercept = (sy - c.slope * sx) / sw;
    c.slope_se = std::sqrt(sw / det);
  } else {
    c.slope = c.slope_se = c.intercept = std::nan("");
  }
  LogMeanExp e;
  for (double s : rev) e.add(s);
  c.ift_reverse = e.mean();
  c.ift_reverse_se = e.mean_se();
  c.ift_reverse_ess = e.ess();
  return c;
}

}  // namespace td
