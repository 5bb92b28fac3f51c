#pragma once
// validate's run-time estimate (docs/robustness.md#estimate): the experiment itself, run twice at a
// small fraction f and 2f of its sizes (trajectories, samples, pairs, training steps); the two times
// fit T(f) = a + b f (a: what does not scale, such as reading a data set), and the run's time is
// a + b. f starts at 1/64 and grows until a pilot takes long enough to time. Grid refinement, which
// stops when discretization errors fall below the standard errors, compares with SEs scaled to the
// full run's (RunContext::se_scale), so a pilot refines as far as the run will.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "experiments/registry.hpp"

namespace td {

struct RunTimeEstimate {
  double seconds = 0;        // a + b
  double pilot_seconds = 0;  // what the pilots took together
  double fraction = 0;       // f
  std::string failed;        // why there is no estimate ("" when there is one)
};

// The config with every size key scaled by `f` (floors keep each reader's minimum).
toml::table scaled_config(const toml::table& resolved, double f);

// Runs a pilot experiment at fraction f of the sizes (RunContext::se_scale = sqrt(f)) and renders its
// report, as a run does.
using PilotRunner = std::function<void(const Experiment&, double f)>;
// `setup`: the seconds a run spends before its work (starting, reading the config, checking models),
// measured by validate, which does the same.
RunTimeEstimate estimate_run_time(const Experiment& ex, const std::string& source, const PilotRunner& run, double setup);

// Seconds since this process started (Linux: /proc/self/stat; 0 where unknown).
double seconds_since_process_start();

// "run time: about 45 s on 2 threads (...)", for validate.
std::string run_time_line(const RunTimeEstimate& e, int threads);

}  // namespace td
