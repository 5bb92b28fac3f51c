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
    coarse_.assign(M, Vec::Zero(n));
    pair_J_.assign(M, Vec());
    pair_ds_.assign(M, Mat());
    prev_ds_.assign(M, Mat());
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

  void step(const ForwardStep& st) override {
    evaluate(st.X, st.t, st.n, st.w);
    // Steps 2k and 2k + 1 form step k of the grid of twice the step: its sum takes the integrand
    // at the pair's first node with the pair's increments (Richardson, on the same noise).
    const bool pair_start = st.n % 2 == 0;
    for (size_t m = 0; m < models_.size(); ++m) {
      if (opt_.product == NoiseProduct::Ito) {
        accumulate_ito(m, st, pair_start);
        continue;
      }
      accumulate_kernel(m, st);
      midpoint_noise(m, S_[m + 1] - S_[0], st.dW);
    }
    if (opt_.product == NoiseProduct::Midpoint) prev_dW_ = st.dW;
  }

  void end(double T, const Mat& XT) override {
    const size_t M = models_.size();
    if (opt_.product == NoiseProduct::Midpoint) {
      target_.score(XT, T, St_);
      for (size_t m = 0; m < M; ++m) {
        models_[m]->score(XT, T, Sm_);
        Sm_ -= St_;
        noise_[m] += 0.5 * (Sm_.cwiseProduct(prev_dW_)).rowwise().sum();
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
        if (!o.sigma_coarse.empty()) o.sigma_coarse[id] = coarse_[m][i];
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
  // Evaluates the target and every model at (X, t) into S_, div_ (target at 0, model m at 1 + m).
  // w weights the probes' variance of the kernel term.
  void evaluate(const Mat& X, double t, int step_index, double w) {
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
      hvar_[m] += (w * w) * res_.div_var;
    }
  }
  // One pass over the block for model m (the hot path): the integrand J = div s_m - div s* +
  // (|s_m|^2 - |s*|^2)/2 into the kernel sum, the noise (s_m - s*) . int g dW, and the coarse twin
  // (the pair's first integrand and Delta s with this step's increments). Per trajectory the
  // operations and their order are those of accumulate_kernel plus the two increments' products.
  void accumulate_ito(size_t m, const ForwardStep& st, bool pair_start) {
    const int d = int(st.X.cols());
    if (pair_start) {
      pair_ds_[m].resize(n_, d);
      pair_J_[m].resize(n_);
    }
    Columns c{S_[m + 1].data(), S_[0].data(), st.dW.data(), pair_ds_[m].data(), div_[m + 1].data(), div_[0].data(),
              kernel_[m].data(), noise_[m].data(), coarse_[m].data(), pair_J_[m].data(), st.w, n_, d};
    switch (d) {  // small d at compile time, so the loop over trajectories vectorizes
      case 1: return pair_start ? ito_pass<1, true>(c) : ito_pass<1, false>(c);
      case 2: return pair_start ? ito_pass<2, true>(c) : ito_pass<2, false>(c);
      case 3: return pair_start ? ito_pass<3, true>(c) : ito_pass<3, false>(c);
      default: return pair_start ? ito_pass<0, true>(c) : ito_pass<0, false>(c);
    }
  }
  struct Columns {  // column-major n x d blocks (stride n) and per-trajectory sums of accumulate_ito
    const double *sm, *sv, *dw;
    double* pds;
    const double *dvm, *dvt;
    double *ker, *noi, *crs, *pJ;
    double w;
    int n, d;
  };
  template <int D, bool PairStart>
  static void ito_pass(const Columns& c) {
    const int d = D > 0 ? D : c.d;
    const size_t n = size_t(c.n);
    for (size_t i = 0; i < n; ++i) {
      double J = c.dvm[i] - c.dvt[i], no = c.noi[i], co = c.crs[i];
      for (int j = 0; j < d; ++j) {
        const size_t k = size_t(j) * n + i;
        const double a = c.sm[k], b = c.sv[k], ds = a - b;
        if (PairStart) c.pds[k] = ds;
        J += 0.5 * ds * (a + b);
        no += ds * c.dw[k];
        co += c.pds[k] * c.dw[k];
      }
      if (PairStart) c.pJ[i] = J;
      c.noi[i] = no;
      c.ker[i] += c.w * J;
      c.crs[i] = co + c.w * c.pJ[i];
    }
  }
  // The kernel sum alone: the midpoint product (a negative control) has no coarse twin.
  void accumulate_kernel(size_t m, const ForwardStep& st) {
    const int n = n_, d = int(st.X.cols());
    J_.resize(n);
    for (int i = 0; i < n; ++i) J_[i] = div_[m + 1][i] - div_[0][i];
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < n; ++i) {
        const double ds = S_[m + 1](i, j) - S_[0](i, j);
        J_[i] += 0.5 * ds * (S_[m + 1](i, j) + S_[0](i, j));
      }
    kernel_[m] += st.w * J_;
  }
  // The trapezoid (Stratonovich) noise product of the negative control: each step's increment gets
  // half of Delta s at its pre-point and half at its post-point (here, for the previous step).
  void midpoint_noise(size_t m, const Mat& ds, const Mat& dW) {
    if (prev_ds_[m].size()) noise_[m] += 0.5 * (ds.cwiseProduct(prev_dW_)).rowwise().sum();
    noise_[m] += 0.5 * (ds.cwiseProduct(dW)).rowwise().sum();
    prev_ds_[m] = ds;
  }
  std::vector<Vec> kernel_, noise_, coarse_, exact_;
  std::vector<Vec> pair_J_;  // the integrand at the first node of the current pair of steps
  std::vector<Mat> pair_ds_, prev_ds_;
  Vec J_;
  int probes(size_t m) const { return m < opt_.hutchinson_probes.size() ? opt_.hutchinson_probes[m] : 0; }
  std::vector<size_t> hutch_;  // models with Hutchinson divergences
  std::vector<uint64_t> ids_;
  std::vector<Vec> hvar_;
  ScoreResult res_;  // Hutchinson evaluations
  std::vector<Mat> S_;
  std::vector<Vec> div_;
  Mat St_, Sm_, prev_dW_;
  Vec lp_, lq_;
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
    if (opt.product == NoiseProduct::Ito) out[m].sigma_coarse.resize(n);
    if (target.has_log_density() && models[m]->has_log_density()) out[m].exact.resize(n);
    if (m < opt.hutchinson_probes.size() && opt.hutchinson_probes[m] > 0) {
      require_support(*models[m], Divergence::Hutchinson, "TAEP model");
      out[m].hutchinson_var.resize(n);
    }
  }
  // Under mpirun each rank runs its blocks of the range; every per-trajectory field is gathered.
  const auto [lo, hi] = ensemble_range(spec);
  std::vector<ItemArray> fields;
  for (TaepTrajectories& o : out)
    for (std::vector<double>* f : {&o.sigma, &o.kernel, &o.noise, &o.sigma_coarse, &o.exact, &o.hutchinson_var})
      if (!f->empty()) fields.push_back(items(*f, lo, hi));
  distributed_ensemble(spec, [&](const EnsembleSpec& part) {
    run_forward_ensemble(process, grid, target.dim(), part, init, noise, [&] {
      return std::make_unique<TaepObserver>(process, target, models, out, opt);
    });
  }, fields);
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
  if (tr.sigma_coarse.size() == tr.sigma.size()) {
    // Richardson for a first-order sum: value(h) = V + C h, so error(h) = C h ~ value(2 h) - value(h).
    Moments c;
    LogMeanExp cift;
    for (size_t i = 0; i < tr.sigma.size(); ++i) {
      c.add(tr.sigma_coarse[i]);
      cift.add(-tr.sigma_coarse[i]);
    }
    s.mean_dt = c.mean() - s.mean;
    s.var_dt = c.variance() - s.var;
    s.k3_dt = c.k3() - s.k3;
    s.k4_dt = c.k4() - s.k4;
    s.ift_dt = cift.mean() - s.ift;
  }
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
  const int d = target.dim(), dz = process.driftless() ? d : 2 * d;
  Mat X, St, Sm;
  Vec dvt, dvm;
  for (int64_t id = 0; id < trajectories; ++id) {
    // The init/noise sources are block functions; call them with a single id padded to kLanes so
    // they produce the same numbers as inside a block.
    uint64_t ids[kLanes];
    for (int i = 0; i < kLanes; ++i) ids[i] = uint64_t(id) + uint64_t(i);
    Mat Xb, Zb;
    init(ids, kLanes, Xb);
    RowVec x = Xb.row(0);
    std::vector<double> pair_ds(size_t(d), 0.0);
    double ker = 0, noi = 0, coarse = 0, pair_J = 0;
    for (int s = 0; s < grid.steps(); ++s) {
      const double t = grid.t(s);
      const StepNoise sn = process.step_noise(t, grid.t(s + 1));
      noise.fill(ids, kLanes, uint64_t(s), dz, Zb);
      X = x;
      target.score_divergence(X, t, St, dvt);
      model.score_divergence(X, t, Sm, dvm);
      double J = dvm[0] - dvt[0], proj = 0;
      for (int j = 0; j < d; ++j) J += 0.5 * (Sm(0, j) * Sm(0, j) - St(0, j) * St(0, j));
      if (s % 2 == 0) {
        pair_J = J;
        for (int j = 0; j < d; ++j) pair_ds[size_t(j)] = Sm(0, j) - St(0, j);
      }
      ker += sn.w * J;
      coarse += sn.w * pair_J;
      for (int j = 0; j < d; ++j) {
        const double z1 = Zb(0, j), z2 = process.driftless() ? 0.0 : Zb(0, d + j);
        const double I1 = std::sqrt(sn.w) * z1;
        const double I2 = process.driftless() ? I1
                          : sn.cov / std::sqrt(sn.w) * z1 + std::sqrt(std::max(0.0, sn.var2 - sn.cov * sn.cov / sn.w)) * z2;
        proj += (Sm(0, j) - St(0, j)) * I1;
        coarse += pair_ds[size_t(j)] * I1;
        x[j] = sn.a * x[j] + I2;
      }
      noi += proj;
    }
    o.kernel.push_back(ker);
    o.noise.push_back(noi);
    o.sigma.push_back(ker + noi);
    o.sigma_coarse.push_back(coarse);
  }
  return o;
}

}  // namespace td
