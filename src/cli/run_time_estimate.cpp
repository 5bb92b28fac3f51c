#include "cli/run_time_estimate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"

namespace td {
namespace {

// The keys whose work grows in proportion to their value, each with the floor a scaled value keeps
// (the least its reader or estimator accepts, or enough for a standard error): ensemble and sample
// counts anywhere, the mini-batches of the learning experiment's curvature, and the steps of
// training. Grid steps are not sizes: fewer would change the discretization.
const std::map<std::string, double> kSampleKeys = {
    {"trajectories", 16}, {"dft_trajectories", 16}, {"objective_samples", 16}, {"exact_samples", 16},
    {"generated_samples", 16}, {"generative_samples", 16}, {"samples", 16}, {"spectrum_samples", 16},
    {"pairs", 16}, {"mc_samples", 16}, {"hessian_batches", 1}, {"covariance_batches", 2}};

void scale_table(toml::table& t, const std::string& parent, double f);

void scale_node(toml::node& n, const std::string& key, const std::string& parent, double f) {
  if (auto* sub = n.as_table()) return scale_table(*sub, key, f);
  if (auto* a = n.as_array()) {
    for (toml::node& e : *a)
      if (auto* sub = e.as_table()) scale_table(*sub, key, f);
    return;
  }
  auto* i = n.as_integer();
  if (!i || i->get() <= 0) return;
  const double v = double(i->get());
  auto scaled = [&](double floor) { *i = int64_t(std::max(std::min(v, floor), std::round(v * f))); };
  if (auto k = kSampleKeys.find(key); k != kSampleKeys.end())
    scaled(k->second);
  else if (parent == "samples" && key == "n")
    scaled(16);
  else if (parent == "training" && key == "steps")
    scaled(4);
  else if (parent == "training" && key == "warmup")
    *i = int64_t(std::round(v * f));
}

void scale_table(toml::table& t, const std::string& parent, double f) {
  for (auto&& [k, v] : t) scale_node(v, std::string(k.str()), parent, f);
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

toml::table scaled_config(const toml::table& resolved, double f) {
  toml::table t = resolved;
  scale_table(t, "", f);
  return t;
}

RunTimeEstimate estimate_run_time(const Experiment& ex, const std::string& source, const PilotRunner& run, double setup) {
  RunTimeEstimate e;
  // Long enough to time against the fixed costs, short beside the run: 1/64, or up to 1/4 of a quick
  // run (pilots under a second) or of one whose sizes add little at 1/64.
  constexpr double kTimeable = 1.0;
  auto pilot = [&](double f) {
    const Experiment p = parse_experiment(scaled_config(ex.resolved, f), source + " (pilot)");
    const double s = seconds_of([&] { run(p, f); });
    e.pilot_seconds += s;
    return s;
  };
  double t1 = 0, t2 = 0, warm_up = 0;
  try {
    if (scaled_config(ex.resolved, 1.0 / 64) == ex.resolved) {  // no size key: the pilot is the run
      e.fraction = 1;
      e.seconds = setup + pilot(1);
      return e;
    }
    // The first pilot also pays what a process pays once (LibTorch's and OpenMP's thread pools, first
    // allocations): timed again, the difference is that one-off cost, which the run pays too.
    e.fraction = 1.0 / 64;
    const double first = pilot(e.fraction);
    constexpr double kSmallWarmUp = 10;  // a pilot this long hides the one-off costs: not run twice
    // Grow f until the pilots take a timeable while and doubling the sizes adds a measurable part
    // (beside timing noise, which b = (t2 - t1) / f magnifies by 1/f), unless the pilots have
    // already cost a quarter of the run they estimate (a large fixed part: a data set to read).
    for (;; e.fraction *= 4) {
      if (e.fraction == 1.0 / 64 && first > kSmallWarmUp) {
        t1 = first;
      } else {
        t1 = pilot(e.fraction);
        if (e.fraction == 1.0 / 64) warm_up = std::max(0.0, first - t1);
      }
      if (t1 < kTimeable && e.fraction < 1.0 / 4) continue;
      t2 = pilot(2 * e.fraction);
      const double so_far = std::max(0.0, t1 - (t2 - t1)) + std::max(0.0, t2 - t1) / e.fraction;
      if (t2 - t1 >= 0.25 * t1 || e.fraction >= 1.0 / 4 || e.pilot_seconds > 0.25 * so_far) break;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& err) {
    e.failed = fmt::format("a pilot at {:.3g} of the sizes failed: {}", e.fraction, err.what());
    return e;
  }
  // T(f) = a + b f through the two pilots; timing noise can make b negative: then a is all there is.
  const double b = std::max(0.0, (t2 - t1) / e.fraction), a = std::max(0.0, t1 - b * e.fraction);
  e.seconds = setup + warm_up + a + b;
  return e;
}

std::string run_time_line(const RunTimeEstimate& e, int threads) {
  if (!e.failed.empty()) return "run time: no estimate (" + e.failed + ")";
  if (e.fraction == 1)
    return fmt::format("run time: about {} on {} thread{} (measured: no key of this config sets a size to scale down)",
                       duration(e.seconds), threads, threads == 1 ? "" : "s");
  return fmt::format("run time: about {} on {} thread{} (from pilot runs at 1/{:.0f} and 1/{:.0f} of the sizes, {:.2g} s)",
                     duration(e.seconds), threads, threads == 1 ? "" : "s", 1 / e.fraction, 0.5 / e.fraction, e.pilot_seconds);
}

}  // namespace td
