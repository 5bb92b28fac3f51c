#include "observe/taep.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "score/score_set.hpp"

namespace td {
namespace {

// The scores with exact divergences (the target unless it uses Hutchinson, then the models that do
// not), evaluated together by a ScoreSet; slots[e] is where entry e belongs (0 = target, 1 + m =
// model m), increasing.
std::vector<const Score*> exact_part(const Score& target, const std::vector<const Score*>& models,
                                     const TaepOptions& opt, std::vector<size_t>* slots) {
  std::vector<const Score*> all;
  if (opt.target_hutchinson_probes == 0) all.push_back(&target), slots->push_back(0);
  for (size_t m = 0; m < models.size(); ++m)
    if (m >= opt.hutchinson_probes.size() || opt.hutchinson_probes[m] == 0) all.push_back(models[m]), slots->push_back(1 + m);
  return all;
}

// One block of the TAEP ensemble: evaluates the target and every model at each step, together
// (ScoreSet shares the work between mixtures with common components).
class TaepObserver final : public ForwardObserver {
 public:
  TaepObserver(const Process& p, const Score& target, const std::vector<const Score*>& models,
               std::vector<TaepTrajectories>& out, const TaepOptions& opt)
      : process_(p), target_(target), models_(models), set_(exact_part(target, models, opt, &slots_)), out_(out), opt_(opt) {
    for (size_t m = 0; m < models.size(); ++m)
      if (probes(m) > 0) hutch_.push_back(m);
  }

  void begin(const uint64_t* ids, int n, int n_valid, double t0, const Mat& X0) override {
    first_ = int64_t(ids[0]);
    ids_.assign(ids, ids + n);
    hvar_.assign(models_.size(), Vec::Zero(n));
    n_ = n;
    n_valid_ = n_valid;
    const size_t M = models_.size();
    kernel_.assign(M, Vec::Zero(n));
    noise_.assign(M, Vec::Zero(n));
    prev_ds_.assign(M, Mat());
    prev_coef_ = 0;
    exact_.assign(M, Vec());
    if (target_.has_log_density()) {
      target_.log_density(X0, t0, lp_);
      for (size_t m = 0; m < M; ++m)
        if (models_[m]->has_log_density()) {
          models_[m]->log_density(X0, t0, lq_);
          exact_[m] = lp_ - lq_;
        }
    }
  }

  void step(int step_index, double t, double dt, const Mat& X, const Mat& Z, const Mat&) override {
    const double g2 = process_.g2(t), kc = g2 * dt, nc = std::sqrt(g2 * dt);
    set_.score_divergence(X, t, S_, div_);  // the exact-divergence scores, in slot order
    S_.resize(1 + models_.size());
    div_.resize(1 + models_.size());
    for (size_t e = slots_.size(); e-- > 0;)  // spread: target at 0, model m at 1 + m
      if (slots_[e] != e) {
        S_[slots_[e]].swap(S_[e]);
        div_[slots_[e]].swap(div_[e]);
      }
    // Hutchinson divergences: the same probes (the first k of one key) for the target and every model.
    auto hutchinson = [&](const Score& s, int k, Mat& S, Vec& div) {
      const auto pr = rademacher_probes(opt_.probes_key, ids_.data(), n_, uint64_t(step_index), int(X.cols()), k);
      s.evaluate({X, t, nullptr, Divergence::Hutchinson, &pr}, res_);
      S.swap(res_.score);
      div.swap(res_.div);
    };
    if (opt_.target_hutchinson_probes > 0) hutchinson(target_, opt_.target_hutchinson_probes, S_[0], div_[0]);
    for (size_t m : hutch_) {
      hutchinson(*models_[m], probes(m), S_[1 + m], div_[1 + m]);
      hvar_[m] += (kc * kc) * res_.div_var;
    }
    const int n = n_, d = int(X.cols());
    const Mat& St = S_[0];
    for (size_t m = 0; m < models_.size(); ++m) {
      const Mat& Sm = S_[m + 1];
      double* ker = kernel_[m].data();
      double* noi = noise_[m].data();
      const double *dvm = div_[m + 1].data(), *dvt = div_[0].data();
      // kernel: g^2 dt [div s_m - div s* + (|s_m|^2 - |s*|^2)/2]; noise: g sqrt(dt) (s_m - s*) . z
      for (int i = 0; i < n; ++i) ker[i] += kc * (dvm[i] - dvt[i]);
      for (int j = 0; j < d; ++j) {
        const double *sm = Sm.col(j).data(), *st = St.col(j).data(), *z = Z.col(j).data();
        for (int i = 0; i < n; ++i) {
          ker[i] += (0.5 * kc) * (sm[i] - st[i]) * (sm[i] + st[i]);
          if (opt_.product == NoiseProduct::Ito) noi[i] += nc * (sm[i] - st[i]) * z[i];
        }
      }
      if (opt_.product == NoiseProduct::Midpoint) {
        // Trapezoid: the previous step's noise gets half of Delta s at its post-point (here).
        const Mat ds = Sm - St;
        if (prev_ds_[m].size()) noise_[m] += (0.5 * prev_coef_) * (ds.cwiseProduct(prevZ_)).rowwise().sum();
        noise_[m] += (0.5 * nc) * (ds.cwiseProduct(Z)).rowwise().sum();
        prev_ds_[m] = ds;
      }
    }
    if (opt_.product == NoiseProduct::Midpoint) {
      prevZ_ = Z;
      prev_coef_ = nc;
    }
  }

  void end(double T, const Mat& XT) override {
    const size_t M = models_.size();
    if (opt_.product == NoiseProduct::Midpoint) {
      target_.score(XT, T, St_);
      for (size_t m = 0; m < M; ++m) {
        models_[m]->score(XT, T, Sm_);
        Sm_ -= St_;
        noise_[m] += (0.5 * prev_coef_) * (Sm_.cwiseProduct(prevZ_)).rowwise().sum();
      }
    }
    bool need_lp = false;
    for (size_t m = 0; m < M; ++m) need_lp |= exact_[m].size() > 0;
    if (need_lp) target_.log_density(XT, T, lp_);
    for (size_t m = 0; m < M; ++m) {
      TaepTrajectories& o = out_[m];
      if (exact_[m].size()) {
        models_[m]->log_density(XT, T, lq_);
        exact_[m] -= lp_ - lq_;
      }
      for (int i = 0; i < n_valid_; ++i) {
        const size_t id = size_t(first_ + i);
        o.kernel[id] = kernel_[m][i];
        o.noise[id] = noise_[m][i];
        o.sigma[id] = kernel_[m][i] + noise_[m][i];
        if (!o.exact.empty()) o.exact[id] = exact_[m][i];
        if (!o.hutchinson_var.empty()) o.hutchinson_var[id] = hvar_[m][i];
      }
    }
  }

 private:
  const Process& process_;
  const Score& target_;
  const std::vector<const Score*>& models_;
  std::vector<size_t> slots_;  // where each ScoreSet entry belongs (declared before set_: filled by its initializer)
  ScoreSet set_;
  std::vector<TaepTrajectories>& out_;
  TaepOptions opt_;
  int64_t first_ = 0;
  int n_ = 0, n_valid_ = 0;
  std::vector<Vec> kernel_, noise_, exact_;
  std::vector<Mat> prev_ds_;
  int probes(size_t m) const { return m < opt_.hutchinson_probes.size() ? opt_.hutchinson_probes[m] : 0; }
  std::vector<size_t> hutch_;  // models with Hutchinson divergences
  std::vector<uint64_t> ids_;
  std::vector<Vec> hvar_;
  ScoreResult res_;  // Hutchinson evaluations
  std::vector<Mat> S_;
  std::vector<Vec> div_;
  Mat St_, Sm_, prevZ_;
  Vec lp_, lq_;
  double prev_coef_ = 0;
};

void check_inputs(const Score& target, const std::vector<const Score*>& models) {
  if (!target.has_divergence()) throw InputError("TAEP: the target score needs a divergence");
  for (const Score* m : models) {
    if (m->dim() != target.dim())
      throw InputError("TAEP: model '" + m->describe() + "' has dimension " + std::to_string(m->dim()) +
                       " but the target has " + std::to_string(target.dim()));
    if (!m->has_divergence()) throw InputError("TAEP: model '" + m->describe() + "' has no divergence");
  }
}

}  // namespace

std::vector<TaepTrajectories> run_taep(const Process& process, const TimeGrid& grid, const Score& target,
                                       const std::vector<const Score*>& models, const EnsembleSpec& spec,
                                       const InitFn& init, const NoiseSource& noise, const TaepOptions& opt) {
  check_inputs(target, models);
  if (opt.target_hutchinson_probes < 0) throw InputError("TAEP: the target's Hutchinson probes must be >= 0");
  if (opt.target_hutchinson_probes > 0) require_support(target, Divergence::Hutchinson, "TAEP target");
  const size_t n = size_t(spec.trajectories);
  std::vector<TaepTrajectories> out(models.size());
  for (size_t m = 0; m < models.size(); ++m) {
    out[m].sigma.resize(n);
    out[m].kernel.resize(n);
    out[m].noise.resize(n);
    if (target.has_log_density() && models[m]->has_log_density()) out[m].exact.resize(n);
    if (m < opt.hutchinson_probes.size() && opt.hutchinson_probes[m] > 0) {
      require_support(*models[m], Divergence::Hutchinson, "TAEP model");
      out[m].hutchinson_var.resize(n);
    }
  }
  run_forward_ensemble(process, grid, target.dim(), spec, init, noise, [&] {
    return std::make_unique<TaepObserver>(process, target, models, out, opt);
  });
  return out;
}

TaepSummary summarize_taep(const TaepTrajectories& tr) {
  Moments sig, ker, noi;
  LogMeanExp ift;
  for (size_t i = 0; i < tr.sigma.size(); ++i) {  // fixed order: thread/block independent
    sig.add(tr.sigma[i]);
    ker.add(tr.kernel[i]);
    noi.add(tr.noise[i]);
    ift.add(-tr.sigma[i]);
  }
  TaepSummary s;
  for (double v : tr.hutchinson_var) s.hutchinson_var += v / double(tr.hutchinson_var.size());
  s.n = sig.count();
  s.mean = sig.mean();
  s.mean_se = sig.mean_se();
  s.var = sig.variance();
  s.var_se = sig.variance_se();
  s.k3 = sig.k3();
  s.k4 = sig.k4();
  s.ift = ift.mean();
  s.ift_se = ift.mean_se();
  s.ift_ess = ift.ess();
  s.ift_reliable = s.var <= 2.0;
  s.kernel_mean = ker.mean();
  s.kernel_mean_se = ker.mean_se();
  s.noise_mean = noi.mean();
  s.noise_mean_se = noi.mean_se();
  return s;
}

TaepTrajectories run_taep_reference(const Process& process, const TimeGrid& grid, const Score& target,
                                    const Score& model, int64_t trajectories, const InitFn& init,
                                    const NoiseSource& noise, const TaepOptions& opt) {
  if (opt.target_hutchinson_probes != 0)
    throw InputError("TAEP reference: the oracle uses exact target divergences (target_hutchinson_probes must be 0)");
  check_inputs(target, {&model});
  if (opt.product != NoiseProduct::Ito) throw InputError("TAEP reference: only the Ito product");
  TaepTrajectories o;
  const int d = target.dim();
  const double dt = grid.dt();
  Mat X, Z, St, Sm;
  Vec dvt, dvm;
  for (int64_t id = 0; id < trajectories; ++id) {
    // The init/noise sources are block functions; call them with a single id padded to kLanes so
    // they produce the same numbers as inside a block.
    uint64_t ids[kLanes];
    for (int i = 0; i < kLanes; ++i) ids[i] = uint64_t(id) + uint64_t(i);
    Mat Xb, Zb;
    init(ids, kLanes, Xb);
    RowVec x = Xb.row(0);
    double ker = 0, noi = 0;
    for (int s = 0; s < grid.steps; ++s) {
      const double t = grid.t(s), g2 = process.g2(t);
      noise.fill(ids, kLanes, uint64_t(s), d, Zb);
      X = x;
      target.score_divergence(X, t, St, dvt);
      model.score_divergence(X, t, Sm, dvm);
      double jd = dvm[0] - dvt[0], proj = 0;
      for (int j = 0; j < d; ++j) {
        jd += 0.5 * (Sm(0, j) * Sm(0, j) - St(0, j) * St(0, j));
        proj += (Sm(0, j) - St(0, j)) * Zb(0, j);
      }
      ker += g2 * dt * jd;
      noi += std::sqrt(g2 * dt) * proj;
      for (int j = 0; j < d; ++j)
        x[j] = x[j] + process.drift_coef(t) * x[j] * dt + std::sqrt(g2 * dt) * Zb(0, j);
    }
    o.kernel.push_back(ker);
    o.noise.push_back(noi);
    o.sigma.push_back(ker + noi);
  }
  return o;
}

}  // namespace td
