#include "experiments/memorization/collapse.hpp"

#include <algorithm>
#include <cmath>

#include "experiments/experiment_common.hpp"
#include "observe/model_collapse.hpp"
#include "observe/speciation.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// n times uniform in ln sigma~ on [2 sigma~(t_min), sigma~(T) / 2], increasing, inside (t_min, T).
std::vector<double> reading_times(const Process& p, int n) {
  const double lo = std::log(2 * p.sigma_tilde(p.t_min())), hi = std::log(0.5 * p.sigma_tilde(p.T()));
  std::vector<double> t;
  for (int k = 0; k < n; ++k) t.push_back(p.time_at_sigma_tilde(std::exp(lo + (hi - lo) * k / (n - 1))));
  return t;
}

json sigma_tildes(const Process& p, const std::vector<double>& t) {
  std::vector<double> s;
  for (double x : t) s.push_back(p.sigma_tilde(x));
  return vec_json(s);
}

// A time read off a curve with its 95% interval, in the run's clock and as a noise level.
json reading(const Process& p, double t, double lo, double hi) {
  auto st = [&](double x) { return std::isfinite(x) ? finite_or_null(p.sigma_tilde(x)) : json(nullptr); };
  return {{"t", finite_or_null(t)}, {"lo", finite_or_null(lo)}, {"hi", finite_or_null(hi)},
          {"sigma_tilde", st(t)}, {"sigma_tilde_lo", st(lo)}, {"sigma_tilde_hi", st(hi)}};
}

json collapse_json(const Process& p, const ModelCollapseResult& m) {
  const CollapseResult& c = m.commitment;
  json j = {{"entropy", vec_json(c.fe)}, {"entropy_se", vec_json(c.fe_se)}, {"eps_train", vec_json(m.eps_train)},
            {"eps_train_se", vec_json(m.eps_train_se)}, {"t_C", reading(p, c.t_collapse, c.t_collapse_lo, c.t_collapse_hi)}};
  if (!m.eps_held.empty()) {
    const CollapseResult& h = m.held_commitment;
    j["eps_held"] = vec_json(m.eps_held), j["eps_held_se"] = vec_json(m.eps_held_se);
    j["entropy_held"] = vec_json(h.fe), j["entropy_held_se"] = vec_json(h.fe_se);
    j["t_C_held"] = reading(p, h.t_collapse, h.t_collapse_lo, h.t_collapse_hi);
  }
  return j;
}

// Classes for cloning: the side of the training set's top principal axis a final state lies on,
// the split 1/2 ln Lambda predicts.
Classifier top_axis_side(const Mat& train) {
  const Vec v = covariance_top_direction(train);
  const RowVec mean = train.colwise().mean();
  return [v, mean](const Mat& X, double, Eigen::VectorXi& cls) {
    const Vec proj = (X.rowwise() - mean) * v;
    cls.resize(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) cls[i] = proj[i] > 0;
  };
}

}  // namespace

json collapse_readings(const MemorizationConfig& c, const Process& p, const Mat& train, const Mat& held, const Models& models) {
  const MemorizationConfig::Collapse& s = c.collapse;
  json out;
  {
    ModelCollapseOptions o;
    o.times = reading_times(p, s.readings);
    o.samples = s.paths, o.steps = c.steps, o.seed = c.seed, o.threshold = s.threshold, o.bootstrap = s.bootstrap;
    // The null: held-out rows as many as the training rows (fewer where there are not enough: a
    // sparser set commits earlier, so the comparison then errs against finding memorization).
    const Mat null_set = held.topRows(std::min<Eigen::Index>(held.rows(), train.rows()));
    out["held_rows"] = null_set.rows();
    out["t"] = vec_json(o.times);
    out["sigma_tilde"] = sigma_tildes(p, o.times);
    for (const auto& [name, score] : models) out[name] = collapse_json(p, model_collapse(p, *score, train, null_set, o));
    const CollapseResult e = excess_entropy(train, p, o.times, s.entropy_samples, c.seed, s.threshold, s.bootstrap);
    out["empirical"] = {{"entropy", vec_json(e.fe)}, {"entropy_se", vec_json(e.fe_se)},
                        {"t_C", reading(p, e.t_collapse, e.t_collapse_lo, e.t_collapse_hi)}};
  }
  return out;
}

json cloning_readings(const MemorizationConfig& c, const Process& p, const Mat& train, const Models& models) {
  const MemorizationConfig::Collapse& s = c.collapse;
  json cl;
  {
    CloningOptions o;
    o.samples = s.cloning_paths, o.seed = c.seed, o.scheme = ReverseScheme::Heun, o.split_bootstrap = s.bootstrap;
    o.substream = 1;  // its prior and noise apart from the samplers' (sim/ensemble.hpp sample_denoised)
    o.branch_times = reading_times(p, s.branches);
    const Classifier side = top_axis_side(train);
    const double lambda = covariance_top_eigenvalue(train);
    cl["Lambda"] = lambda;
    cl["t_S"] = ou_time_record(p, speciation_time(lambda));
    for (const auto& [name, score] : models) {
      const CloningResult r = cloning_probability(side, p, *score, TimeGrid(p.t_min(), p.T(), c.steps), o);
      cl[name] = {{"t", vec_json(r.t)}, {"sigma_tilde", sigma_tildes(p, r.t)}, {"phi", vec_json(r.phi)},
                  {"phi_se", vec_json(r.phi_se)}, {"chance", r.chance}, {"t_split", reading(p, r.t_split, r.t_split_lo, r.t_split_hi)}};
    }
  }
  return cl;
}

}  // namespace td
