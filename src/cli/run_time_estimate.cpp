#include "cli/run_time_estimate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "experiments/experiment_common.hpp"

namespace td {
namespace {

// The keys whose work grows in proportion to their value, each with the floor a scaled value keeps:
// ensemble and sample counts anywhere, at least one block of 64 (work runs in blocks, and a network
// evaluates a block as one batch: a block of 16 costs about as much as one of 64, so smaller pilots
// would overstate the cost of each sample several-fold); the mini-batches of the learning
// experiment's curvature and the steps of training, at the least their readers accept. Grid steps
// are not sizes: fewer would change the discretization.
constexpr double kBlock = 64;
const std::map<std::string, double> kSampleKeys = {
    {"trajectories", kBlock}, {"dft_trajectories", kBlock}, {"objective_samples", kBlock}, {"exact_samples", kBlock},
    {"generated_samples", kBlock}, {"generative_samples", kBlock}, {"samples", kBlock}, {"spectrum_samples", kBlock},
    {"pairs", kBlock}, {"mc_samples", kBlock}, {"hessian_batches", 1}, {"covariance_batches", 2}};

// A count that repeats whole stages (the learning experiment's snapshots: TAEP, samples and curvature
// of each): scaled like a size, to at least 2, and kept in the second pilot. Stages declare it as
// "*training.snapshots".
bool repeat_key(const std::string& key, const std::string& parent) { return parent == "training" && key == "snapshots"; }

// The floor of a size key, or -1 for a key that is not a size.
double size_floor(const std::string& key, const std::string& parent) {
  if (repeat_key(key, parent)) return 2;
  if (auto k = kSampleKeys.find(key); k != kSampleKeys.end()) return k->second;
  if (parent == "samples" && key == "n") return kBlock;
  if (parent == "training" && key == "steps") return 4;
  if (parent == "training" && key == "warmup") return 0;  // scales with the steps
  return -1;
}

// A size key's value in a pilot: v f (at least its floor), and in the second pilot twice that, so
// that every part that grows doubles. A key whose first value is already half the run's or more (two
// Hessian batches, floor 1) keeps it in both pilots: doubled, the pilot would pay the run's cost.
double pilot_value(double v, double floor, double f, bool doubled) {
  const double v1 = std::max(std::min(v, floor), std::round(v * f));
  if (!doubled || 2 * v1 >= v) return v1;
  return 2 * v1;
}

struct Scaling {
  double f;
  bool doubled;
  SizeKeys* keys;  // each key's values are recorded here (the largest ratio where a path repeats)
};

void scale_table(toml::table& t, const std::string& path, const Scaling& s);

void scale_node(toml::node& n, const std::string& key, const std::string& path, const std::string& parent, const Scaling& s) {
  const std::string here = path.empty() ? key : path + "." + key;
  if (auto* sub = n.as_table()) return scale_table(*sub, here, s);
  if (auto* a = n.as_array()) {
    for (toml::node& e : *a)
      if (auto* sub = e.as_table()) scale_table(*sub, here, s);
    return;
  }
  auto* i = n.as_integer();
  const double floor = size_floor(key, parent);
  if (!i || i->get() <= 0 || floor < 0) return;
  const double v = double(i->get()), p = pilot_value(v, floor, s.f, s.doubled && !repeat_key(key, parent));
  *i = int64_t(p);
  SizeKey& k = (*s.keys)[here];
  if (k.run == 0 || v / std::max(p, 1.0) > k.run / std::max(k.pilot, 1.0)) k = {v, p};
}

void scale_table(toml::table& t, const std::string& path, const Scaling& s) {
  const size_t dot = path.rfind('.');
  const std::string parent = dot == std::string::npos ? path : path.substr(dot + 1);
  for (auto&& [k, v] : t) scale_node(v, std::string(k.str()), path, parent, s);
}

double seconds_of(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string duration(double s) {
  if (s < 90) return fmt::format("{:.2g} s", s);
  if (s < 5400) return fmt::format("{:.2g} min", s / 60);
  return fmt::format("{:.2g} h", s / 3600);
}

}  // namespace

double seconds_since_process_start() {
  // Field 22 of /proc/self/stat: the start time in clock ticks after boot; /proc/uptime: now.
  std::ifstream stat("/proc/self/stat"), uptime("/proc/uptime");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  for (int i = 3; i <= 22 && fields >> f; ++i) {
  }
  double up = 0;
  if (!(uptime >> up) || f.empty()) return 0;
  return std::max(0.0, up - std::stod(f) / double(sysconf(_SC_CLK_TCK)));
}

toml::table pilot_config(const toml::table& resolved, double f, bool doubled, SizeKeys* keys) {
  toml::table t = resolved;
  SizeKeys ignored;
  scale_table(t, "", {f, doubled, keys ? keys : &ignored});
  return t;
}

namespace {

// How a stage's time grows from the pilots to the run: `grow` multiplies the part that doubled
// between the pilots, `fixed` the rest. From the stage's declared size keys: the largest run/pilot
// ratio of a key that doubled, and of one kept (its cost is in the fixed part at a fraction of the
// run's). A stage that declared no key is fixed; one with no declaration at all grows as 1/f.
struct StageGrowth {
  double grow = 1, fixed = 1, repeat = 1;  // repeat: of the whole stage ("*key")
};
StageGrowth stage_growth(const StageSizes* sizes, const SizeKeys& k1, const SizeKeys& k2, double f) {
  if (!sizes) return {1 / f, 1};
  StageGrowth g;
  for (const std::string& declared : *sizes) {
    const bool repeats = declared.front() == '*';
    const std::string key = repeats ? declared.substr(1) : declared;
    const auto a = k1.find(key), b = k2.find(key);
    if (a == k1.end() || b == k2.end()) continue;  // not in this config
    const double r = a->second.run / std::max(a->second.pilot, 1.0);
    if (repeats) {
      g.repeat = std::max(g.repeat, r);
      continue;
    }
    double& slot = b->second.pilot > a->second.pilot ? g.grow : g.fixed;
    slot = std::max(slot, r);
  }
  return g;
}

}  // namespace

double stage_run_seconds(double t1, double t2, double grow, double fixed, double& one_off, double noise) {
  // The sizes doubled, yet the time more than halved: the first pilot also paid what a process pays
  // once (LibTorch's thread pools and kernels on first use). The second pilot's time is then taken
  // as all growing (t2 / 2 per pilot size), and the rest of the first's as the one-off cost.
  if (grow > 1 && t2 < 0.5 * t1) {
    one_off += t1 - 0.5 * t2;
    return 0.5 * t2 * grow;
  }
  // Timing noise would be magnified by `grow`: only growth beyond it counts.
  const double b = std::max(0.0, t2 - t1 - noise * t1), a = std::max(0.0, t1 - b);
  return a * fixed + b * grow;
}

double extrapolate_pilots(const PilotTime& p1, const PilotTime& p2, const SizeKeys& k1, const SizeKeys& k2,
                          const std::map<std::string, StageSizes>& declared, double f, double noise) {
  const bool show = std::getenv("THERMODIFF_ESTIMATE_STAGES") != nullptr;  // how each stage was grown
  double run = 0, sum1 = 0, sum2 = 0, one_off = 0;
  for (const auto& [stage, t] : p1.stages.items()) {
    if (stage == "total" || !t.is_number()) continue;
    const double t1 = t.get<double>(), t2 = p2.stages.value(stage, t1);
    const auto d = declared.find(stage);
    const StageGrowth g = stage_growth(d == declared.end() ? nullptr : &d->second, k1, k2, f);
    const double s = g.repeat * stage_run_seconds(t1, t2, g.grow, g.fixed, one_off, noise);
    if (show)
      std::fprintf(stderr, "  stage %-18s pilots %8.3f %8.3f s  grow x%-7.3g fixed x%-5.3g repeat x%-4.3g -> %8.3g s\n", stage.c_str(), t1,
                   t2, g.grow, g.fixed, g.repeat, s);
    run += s, sum1 += t1, sum2 += t2;
  }
  // What no stage timed (reading data, the report) grows, if at all, as the sizes.
  const double rest =
      stage_run_seconds(std::max(0.0, p1.seconds - sum1), std::max(0.0, p2.seconds - sum2), 1 / f, 1, one_off, noise);
  if (show)
    std::fprintf(stderr, "  outside stages      pilots %8.3f %8.3f s -> %8.3g s; one-off %.3g s\n", p1.seconds - sum1,
                 p2.seconds - sum2, rest, one_off);
  return run + rest + one_off;
}

RunTimeEstimate estimate_run_time(const Experiment& ex, const std::string& source, const PilotRunner& run, double setup) {
  RunTimeEstimate e;
  // Long enough to time against the fixed costs, short beside the run: 1/64, or up to 1/4 of a quick
  // run (pilots under a second) or of one whose sizes add little at 1/64.
  constexpr double kTimeable = 1.0;
  auto pilot = [&](double f, bool doubled, SizeKeys& keys) {
    keys.clear();
    const Experiment p = parse_experiment(pilot_config(ex.resolved, f, doubled, &keys), source + " (pilot)");
    PilotTime t;
    t.seconds = seconds_of([&] { t.stages = run(p); });
    e.pilot_seconds += t.seconds;
    return t;
  };
  PilotTime t1, t2;
  SizeKeys k1, k2;
  double warm_up = 0;
  try {
    if (pilot_config(ex.resolved, 1.0 / 64, false) == ex.resolved) {  // no size key: the pilot is the run
      e.fraction = 1;
      e.seconds = setup + pilot(1, false, k1).seconds;
      return e;
    }
    // The first pilot also pays what a process pays once (LibTorch's and OpenMP's thread pools, first
    // allocations): timed again, the difference is that one-off cost, which the run pays too.
    e.fraction = 1.0 / 64;
    const PilotTime first = pilot(e.fraction, false, k1);
    constexpr double kSmallWarmUp = 30;  // a pilot this long is not run twice (per stage, see above)
    // Grow f until the pilots take a timeable while and doubling the sizes adds a measurable part
    // (beside timing noise, which the ratios of run to pilot sizes magnify), unless the pilots have
    // already cost an eighth of the run they estimate (a large fixed part: a data set to read).
    for (;; e.fraction *= 4) {
      if (e.fraction == 1.0 / 64 && first.seconds > kSmallWarmUp) {
        t1 = first;
      } else {
        t1 = pilot(e.fraction, false, k1);
        if (e.fraction == 1.0 / 64) warm_up = std::max(0.0, first.seconds - t1.seconds);
      }
      if (t1.seconds < kTimeable && e.fraction < 1.0 / 4) continue;
      t2 = pilot(e.fraction, true, k2);
      const double so_far = extrapolate_pilots(t1, t2, k1, k2, declared_stage_sizes(), e.fraction);
      if (t2.seconds - t1.seconds >= 0.25 * t1.seconds || e.fraction >= 1.0 / 4 || e.pilot_seconds > 0.125 * so_far) break;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& err) {
    e.failed = fmt::format("a pilot at {:.3g} of the sizes failed: {}", e.fraction, err.what());
    return e;
  }
  e.seconds = setup + warm_up + extrapolate_pilots(t1, t2, k1, k2, declared_stage_sizes(), e.fraction);
  return e;
}

std::string run_time_line(const RunTimeEstimate& e, int threads) {
  if (!e.failed.empty()) return "run time: no estimate (" + e.failed + ")";
  if (e.fraction == 1)
    return fmt::format("run time: about {} on {} thread{} (measured: no key of this config sets a size to scale down)",
                       duration(e.seconds), threads, threads == 1 ? "" : "s");
  return fmt::format("run time: about {} on {} thread{} (from pilot runs at 1/{:.0f} of the sizes and twice that, {:.2g} s)",
                     duration(e.seconds), threads, threads == 1 ? "" : "s", 1 / e.fraction, e.pilot_seconds);
}

}  // namespace td
