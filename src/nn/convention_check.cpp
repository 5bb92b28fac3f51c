#include "nn/convention_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <tuple>

#include "core/error.hpp"

namespace td {
namespace {

// The time t in [t_min, T] whose ln sigma~(t) is `target` (sigma~ increases with t for every process).
double time_of_log_sigma_tilde(const Process& p, double target) {
  double lo = p.t_min(), hi = p.T();
  for (int i = 0; i < 200 && hi - lo > 1e-14 * p.T(); ++i) {
    const double mid = 0.5 * (lo + hi);
    (p.log_sigma_tilde(mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<double> level_times(const Process& p, double min_sigma_tilde) {
  const double a = std::max(p.log_sigma_tilde(p.t_min()), min_sigma_tilde > 0 ? std::log(min_sigma_tilde) : -1e300);
  const double b = p.log_sigma_tilde(p.T());
  if (!(a < b)) throw InputError(fmt::format("the process's noise end sigma~(T) = {:.3g} is below {:.3g}, where a check "
                                             "without data can tell conventions apart", std::exp(b), min_sigma_tilde));
  std::vector<double> t(kCheckLevels);
  t.back() = p.T();
  for (int j = 0; j + 1 < kCheckLevels; ++j)
    t[j] = j == 0 && min_sigma_tilde <= 0 ? p.t_min() : time_of_log_sigma_tilde(p, a + (b - a) * j / (kCheckLevels - 1));
  return t;
}

// How a network's inputs and output are read: the time it is given, and its output as which
// prediction. EDM's raw network F gets c_in x~ and c_noise, and D = c_skip x~ + c_out F is x0.
enum class Output { Eps, X0, Score, V, EdmRaw };

struct Convention {
  std::string name, cause;
  int rank = 0;
  std::function<double(double)> time;  // the engine's t -> the network's time input
  Output output = Output::Eps;
  double sigma_data = 0.5;             // EdmRaw
};

Output output_of(Prediction p) { return p == Prediction::Eps ? Output::Eps : p == Prediction::X0 ? Output::X0 : Output::Score; }

// The draws of one level: x_t, and x_0 and z that made it.
struct LevelDraws {
  double t, alpha, sigma;
  Mat x, z;
};

// eps^ (n x d) implied by the network read in convention `c` at one level; with `zero`, by an
// output of zeros read so (what the reading gives by itself: c_skip x for EDM's raw network,
// sigma x for a v-prediction).
Mat implied_eps(const Network& net, const Convention& c, const LevelDraws& l, bool zero = false) {
  Mat F;
  const double s = l.sigma / l.alpha;
  if (c.output == Output::EdmRaw) {
    const double sd2 = c.sigma_data * c.sigma_data, c_in = 1 / std::sqrt(s * s + sd2);
    const Mat xt = l.x / l.alpha;
    if (zero) F = Mat::Zero(l.x.rows(), l.x.cols());
    else net.forward(Mat(c_in * xt), 0.25 * std::log(s), F);
    const Mat D = (sd2 / (s * s + sd2)) * xt + (s * c.sigma_data / std::sqrt(s * s + sd2)) * F;
    return (l.x - l.alpha * D) / l.sigma;
  }
  if (zero) F = Mat::Zero(l.x.rows(), l.x.cols());
  else net.forward(l.x, c.time(l.t), F);
  switch (c.output) {
    case Output::Eps: return F;
    case Output::Score: return -l.sigma * F;
    case Output::X0: return (l.x - l.alpha * F) / l.sigma;
    case Output::V: return (l.sigma * l.x + l.alpha * F) / (l.alpha * l.alpha + l.sigma * l.sigma);
    default: break;
  }
  return F;
}

// Per-draw losses |eps^ - z|^2 / d.
Vec losses(const Mat& eps, const Mat& z) { return (eps - z).rowwise().squaredNorm() / double(z.cols()); }

// The declared prediction's units from eps units: |eps^ - z|^2 = (alpha/sigma)^2 |x0^ - x0|^2 = sigma^2 |s^ - s|^2.
double unit(Prediction p, double alpha, double sigma) {
  return p == Prediction::Eps ? 1.0 : p == Prediction::X0 ? (sigma * sigma) / (alpha * alpha) : 1.0 / (sigma * sigma);
}

struct Trivial {
  Vec zero, linear;  // per-draw losses, eps units
  double floor = kLossFloor;  // the least reference loss, eps units
};

Trivial trivial_losses(Prediction p, const LevelDraws& l, const Vec& mean, const Vec& var, double floor) {
  const Mat zero_eps = p == Prediction::X0 ? Mat(l.x / l.sigma) : Mat::Zero(l.x.rows(), l.x.cols());
  const Vec gain = (l.alpha * var.array() / (l.alpha * l.alpha * var.array() + l.sigma * l.sigma)).matrix();
  const Mat x0_lin = ((l.x.rowwise() - l.alpha * mean.transpose()).array().rowwise() * gain.transpose().array()).matrix().rowwise() +
                     mean.transpose();
  return {losses(zero_eps, l.z), losses((l.x - l.alpha * x0_lin) / l.sigma, l.z), floor};
}

// The ratio of the model's mean loss to the best trivial one (eps units), and whether it is clearly
// worse. The reference is at least the floor: near the noise end the best trivial loss goes to 0,
// and a trained float32 network's small absolute error there is no sign of a wrong convention.
void compare(const Vec& model, const Trivial& tr, CheckLevel& out) {
  const Vec& best = tr.zero.mean() <= tr.linear.mean() ? tr.zero : tr.linear;
  const Vec diff = best.mean() >= tr.floor ? Vec(model - best) : Vec(model.array() - tr.floor);
  const double n = double(diff.size());
  const double var = n > 1 ? (diff.array() - diff.mean()).square().sum() / (n - 1) : 0;
  out.ratio = model.mean() / std::max(best.mean(), tr.floor);
  out.excess_se = std::sqrt(var / n);
  out.worse = !std::isfinite(out.ratio) || (out.ratio > kWorseRatio && diff.mean() > kWorseSE * out.excess_se);
}

// The conventions tried when the declared one fails: other time inputs x other output readings,
// and EDM's raw network.
std::vector<Convention> alternatives(Prediction declared, const Process& p, double data_rms) {
  struct TimeMap {
    std::string name, cause;
    std::function<double(double)> f;
  };
  const std::vector<TimeMap> times = {
      {"", "", [](double t) { return t; }},
      {"ddpm_steps", "expects its time as 999 t, DDPM step indices 0...999 (it passes with t -> 999 t): export it "
                     "with thermodiff.export(model, 'ddpm', ...) (discrete steps) or thermodiff.export(model, 'eps', "
                     "time_scale=999) (a continuous time scaled so)",
       [](double t) { return 999 * t; }},
      {"sigma_time", "expects the noise level sigma~ = sigma(t)/alpha(t) as its time, not t (it passes with t -> sigma~): "
                     "export it with thermodiff.export(model, 'edm', ...) if it is a denoiser D(x; sigma)",
       [&p](double t) { return p.sigma_tilde(t); }},
      {"edm_c_noise", "expects EDM's c_noise = ln(sigma~)/4 as its time: export it with thermodiff.export(model, 'edm', "
                      "preconditioned=False, ...)",
       [&p](double t) { return 0.25 * p.log_sigma_tilde(t); }},
  };
  struct OutputRead {
    std::string name, cause;
    Output o;
  };
  std::vector<OutputRead> outputs = {
      {"eps_output", "looks like an eps-prediction: declare prediction = \"eps\"", Output::Eps},
      {"x0_output", "looks like an x0-prediction (a denoiser): declare prediction = \"x0\", or export it with kind 'edm'",
       Output::X0},
      {"score_output", "looks like a score: declare prediction = \"score\"", Output::Score},
  };
  if (p.kind() == ProcessKind::VP || p.kind() == ProcessKind::OU)
    outputs.push_back({"v_output", "looks like a v-prediction (v = alpha eps - sigma x0): export it with "
                                   "thermodiff.export(model, 'v', ...)", Output::V});
  std::vector<Convention> out;
  for (const TimeMap& tm : times)
    for (const OutputRead& o : outputs) {
      if (tm.name.empty() && o.o == output_of(declared)) continue;  // the declared convention
      Convention c;
      c.time = tm.f;
      c.output = o.o;
      const bool same_output = o.o == output_of(declared);
      c.name = tm.name.empty() ? o.name : same_output ? tm.name : tm.name + "+" + o.name;
      c.cause = tm.name.empty() ? "the output " + o.cause
                : same_output ? "the model " + tm.cause
                              : "the model " + tm.cause + "; and its output " + o.cause;
      c.rank = tm.name.empty() ? 0 : same_output ? 1 : 2;
      out.push_back(std::move(c));
    }
  for (double sd : {0.5, data_rms}) {
    Convention c;
    c.rank = 3;
    c.name = fmt::format("edm_raw(sigma_data={:.3g})", sd);
    c.cause = fmt::format("the model looks like EDM's raw network F without its preconditioning (it passes as D = c_skip x + c_out "
                          "F(c_in x, ln(sigma)/4) with sigma_data = {:.3g}): export it with thermodiff.export(model, "
                          "'edm', preconditioned=False, sigma_data={:.3g})",
                          sd, sd);
    c.output = Output::EdmRaw;
    c.sigma_data = sd;
    out.push_back(std::move(c));
  }
  return out;
}

// The same draws read in convention `alt`: its ratios, worse levels and excess. It passes only if
// the network's output matters: at some level it beats an output of zeros read so (read as v or as
// EDM's F, zeros give a linear predictor by themselves). It explains the declared reading's failure
// if it passes and the output matters at one of the `declared` worse levels (near the noise end an
// x0 reading of zeros is a good predictor by itself, and for Gaussian data every reading is a
// linear predictor). False when the network cannot take its inputs read so (a step index out of
// range raises) or a loss is not finite.
bool read_as(const Network& net, const Convention& alt, const std::vector<LevelDraws>& draws,
             const std::vector<Trivial>& trivial, const std::vector<CheckLevel>& declared, CheckAlternative& a) {
  a.name = alt.name, a.cause = alt.cause, a.rank = alt.rank;
  bool matters = false, matters_where_worse = false;
  try {
    for (size_t j = 0; j < draws.size(); ++j) {
      CheckLevel lv;
      const Vec l = losses(implied_eps(net, alt, draws[j]), draws[j].z);
      compare(l, trivial[j], lv);
      a.worse_levels += lv.worse;
      a.ratios.push_back(lv.ratio);
      a.excess += std::log(std::max(lv.ratio, 1.0));
      const double by_itself = losses(implied_eps(net, alt, draws[j], true), draws[j].z).mean();
      const bool here = l.mean() < 0.95 * by_itself && by_itself - l.mean() > kLossFloor;
      matters = matters || here;
      matters_where_worse = matters_where_worse || (here && declared[j].worse);
    }
  } catch (const std::exception&) {
    return false;
  }
  if (!matters) a.worse_levels = kCheckLevels;  // the reading alone does it, not the network
  a.explains = a.worse_levels == 0 && matters_where_worse;
  a.excess += kRankPenalty * a.rank;
  return std::isfinite(a.excess);
}

}  // namespace

int check_samples(int d) { return std::clamp((1 << 17) / std::max(d, 1), 32, 256); }

namespace {

// The draws of every level: x_0 (the first rows of `x0`) and z keyed by (key, draw, level).
std::vector<LevelDraws> level_draws(const Process& process, const Mat& x0, int n, const RngKey& key, double min_sigma_tilde) {
  const int d = int(x0.cols());
  std::vector<LevelDraws> draws;
  const std::vector<double> times = level_times(process, min_sigma_tilde);
  for (int j = 0; j < kCheckLevels; ++j) {
    LevelDraws l{times[j], process.alpha(times[j]), process.sigma(times[j]), Mat(n, d), Mat(n, d)};
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < d; ++k) l.z(i, k) = normal_at(key, uint64_t(i), uint64_t(j), k);
    l.x = l.alpha * x0.topRows(n) + l.sigma * l.z;
    draws.push_back(std::move(l));
  }
  return draws;
}

// The largest relative change of the output at fixed x (the middle level's) across the levels' times.
double time_variation(const Network& net, const std::vector<LevelDraws>& draws) {
  Mat ref, other;
  const Mat& x = draws[draws.size() / 2].x;
  net.forward(x, draws.front().t, ref);
  double most = 0;
  for (const LevelDraws& l : draws) {
    net.forward(x, l.t, other);
    most = std::max(most, (other - ref).norm() / std::max(ref.norm(), 1e-300));
  }
  return most;
}

std::string verdict_of(const ConventionCheck& c) {
  if (!c.finite) return "its denoising loss is not finite at some noise level";
  if (!c.depends_on_t)
    return fmt::format("its output does not depend on t (relative change {:.2g} across the levels' times at fixed x), as "
                       "a diffusion's denoiser must", c.t_variation);
  if (c.refused)
    return fmt::format("its denoising loss ({}) is more than {}x the best trivial predictor's (zero, or the data's "
                       "linear-Gaussian predictor) at {} of {} noise levels",
                       c.prediction, kWorseRatio, c.worse_levels, kCheckLevels);
  return fmt::format("its denoising loss ({}) is at most {}x the best trivial predictor's (zero, or the data's "
                     "linear-Gaussian predictor) at {} of {} noise levels",
                     c.prediction, kWorseRatio, kCheckLevels - c.worse_levels, kCheckLevels);
}

// A passed model's worse levels, in words.
std::string weakness(const ConventionCheck& c) {
  std::string at;
  for (const CheckLevel& l : c.levels)
    if (l.worse) at += fmt::format("{}t = {:.4g} (sigma~ = {:.3g}, ratio {:.3g})", at.empty() ? "" : ", ", l.t, l.sigma_tilde, l.ratio);
  return fmt::format("its denoising loss is more than {}x the best trivial predictor's at {}; no other convention explains "
                     "it, so it is taken as a weakness of the model there, not a wrong convention (docs/models.md#check)",
                     kWorseRatio, at);
}

// Which convention would it pass in? The same draws read otherwise; the likely cause in words.
void diagnose(const Network& net, Prediction prediction, const Process& process, double data_rms,
              const std::vector<LevelDraws>& draws, const std::vector<Trivial>& trivial, ConventionCheck& c) {
  for (const Convention& alt : alternatives(prediction, process, data_rms)) {
    CheckAlternative a;
    if (read_as(net, alt, draws, trivial, c.levels, a)) c.alternatives.push_back(std::move(a));
  }
  std::sort(c.alternatives.begin(), c.alternatives.end(), [](const CheckAlternative& a, const CheckAlternative& b) {
    return std::tie(a.worse_levels, a.excess) < std::tie(b.worse_levels, b.excess);
  });
  c.explained = std::any_of(c.alternatives.begin(), c.alternatives.end(), [](const CheckAlternative& a) { return a.explains; });
  if (!c.alternatives.empty() && c.alternatives.front().worse_levels == 0) {
    const CheckAlternative& a = c.alternatives.front();
    c.cause = a.cause + fmt::format(" (read so, its loss ratios would be {:.3g})", fmt::join(a.ratios, ", "));
  } else {
    c.cause = "no other convention tried (DDPM step indices, sigma or EDM's c_noise as the time; eps, x0, score or v "
              "outputs; EDM's raw network) makes it better than the trivial predictors: it may be untrained, trained on "
              "other data, or for another process (the config's [process] gives alpha(t) and sigma(t))";
  }
}

}  // namespace

ConventionCheck check_convention(const Network& net, Prediction prediction, const Process& process, const Mat& x0,
                                 const Mat& fit, const RngKey& key, double min_sigma_tilde) {
  const int n = std::min<int>(int(x0.rows()), check_samples(int(x0.cols())));
  const Vec mean = fit.colwise().mean().transpose();
  const Vec var = (fit.rowwise() - mean.transpose()).colwise().squaredNorm().transpose() / std::max<double>(1, double(fit.rows()) - 1);
  ConventionCheck c;
  c.prediction = prediction_name(prediction);
  c.samples = n;
  const std::vector<LevelDraws> draws = level_draws(process, x0, n, key, min_sigma_tilde);
  const Convention declared{"declared", "", 0, [](double t) { return t; }, output_of(prediction)};
  std::vector<Trivial> trivial;
  for (const LevelDraws& l : draws) {
    trivial.push_back(trivial_losses(prediction, l, mean, var, min_sigma_tilde > 0 ? kDataFreeLossFloor : kLossFloor));
    const double u = unit(prediction, l.alpha, l.sigma);
    CheckLevel lv;
    lv.t = l.t, lv.sigma_tilde = l.sigma / l.alpha;
    const Vec model = losses(implied_eps(net, declared, l), l.z);
    lv.loss = u * model.mean(), lv.zero = u * trivial.back().zero.mean(), lv.linear = u * trivial.back().linear.mean();
    compare(model, trivial.back(), lv);
    c.finite = c.finite && std::isfinite(lv.loss);
    c.worse_levels += lv.worse;
    c.gross_levels += lv.worse && lv.loss / u - std::max(std::min(trivial.back().zero.mean(), trivial.back().linear.mean()),
                                                         trivial.back().floor) > kGrossExcess;
    c.levels.push_back(lv);
  }
  c.t_variation = time_variation(net, draws);
  c.depends_on_t = c.t_variation > 1e-6;
  c.refused = !c.finite || !c.depends_on_t || c.worse_levels >= kRefuseWorseLevels || c.gross_levels >= kExplainedWorseLevels;
  if (!c.depends_on_t) c.cause = "the time input is ignored: is t passed to the network, and used?";
  if (c.finite && c.depends_on_t && c.worse_levels >= kExplainedWorseLevels) {
    diagnose(net, prediction, process, std::sqrt(std::max(var.mean(), 1e-300)), draws, trivial, c);
    c.refused = c.refused || c.explained;
  }
  c.verdict = verdict_of(c);
  if (!c.refused && c.worse_levels > 0) c.warning = weakness(c);
  return c;
}

std::string check_table(const ConventionCheck& c) {
  std::string s = fmt::format("  {:>10}  {:>10}  {:>11}  {:>11}  {:>11}  {:>8}\n", "t", "sigma~", "loss", "zero", "linear", "ratio");
  for (const CheckLevel& l : c.levels)
    s += fmt::format("  {:>10.4g}  {:>10.4g}  {:>11.4g}  {:>11.4g}  {:>11.4g}  {:>8.3g}{}\n", l.t, l.sigma_tilde, l.loss, l.zero,
                     l.linear, l.ratio, l.worse ? "  worse" : "");
  return s;
}

}  // namespace td
