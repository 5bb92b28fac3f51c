#pragma once
// validate's run-time estimate (docs/robustness.md#estimate): the experiment itself, run twice at a
// small fraction f of its sizes (trajectories, samples, pairs, training steps) and with those doubled;
// each stage's two times fit t = a + b (what doubled) and grow to the run as its own size keys do
// (StageClock's declarations). f starts at 1/64 and grows until a pilot takes long enough to time.
// A pilot refines its grids as a run of its own size would (docs/robustness.md#estimate).

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "experiments/registry.hpp"

namespace td {

struct RunTimeEstimate {
  double seconds = 0;        // the run's
  double pilot_seconds = 0;  // what the pilots took together
  double fraction = 0;       // f
  std::string failed;        // why there is no estimate ("" when there is one)
};

// One size key's value (by dotted path, "sim.trajectories") in the run and in a pilot.
struct SizeKey {
  double run = 0, pilot = 0;
};
using SizeKeys = std::map<std::string, SizeKey>;

// The config of a pilot: every size key scaled by `f` (floors keep each reader's minimum) and, for the
// second pilot (`doubled`), twice that, so that every part that grows doubles. `keys` gets each size
// key's values.
toml::table pilot_config(const toml::table& resolved, double f, bool doubled, SizeKeys* keys = nullptr);

// A pilot's wall time and its stages' (results.json's timing_s).
struct PilotTime {
  double seconds = 0;
  nlohmann::json stages = nlohmann::json::object();
};

// One stage's seconds in the run from its two pilot times: the part that doubled between the pilots,
// less `noise` t1 (two runs of one stage differ by about 10% on a shared machine), times `grow`; the
// rest times `fixed`. A first pilot that took more than twice the second paid one-off costs, added
// to `one_off`.
constexpr double kTimingNoise = 0.1;
double stage_run_seconds(double t1, double t2, double grow, double fixed, double& one_off, double noise = kTimingNoise);

// The run's seconds from the two pilots at f (`k1`) and with the sizes doubled (`k2`), stage by stage,
// each grown by its declared size keys (StageClock); what no stage timed grows as 1/f.
double extrapolate_pilots(const PilotTime& p1, const PilotTime& p2, const SizeKeys& k1, const SizeKeys& k2,
                          const std::map<std::string, std::vector<std::string>>& declared, double f,
                          double noise = kTimingNoise);

// Runs a pilot experiment, renders its report as a run does, and returns its results' timing_s.
using PilotRunner = std::function<nlohmann::json(const Experiment&)>;
// `setup`: the seconds a run spends before its work (starting, reading the config, checking models),
// measured by validate, which does the same.
RunTimeEstimate estimate_run_time(const Experiment& ex, const std::string& source, const PilotRunner& run, double setup);

// Seconds since this process started (Linux: /proc/self/stat; 0 where unknown).
double seconds_since_process_start();

// "run time: about 45 s on 2 threads (...)", for validate.
std::string run_time_line(const RunTimeEstimate& e, int threads);

}  // namespace td
