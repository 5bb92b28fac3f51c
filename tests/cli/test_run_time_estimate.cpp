// validate's run-time estimate (docs/robustness.md#estimate): the pilots' configs, and the
// extrapolation from two pilots' stage times to the run, checked on a cost model that is exactly
// linear in each stage's own size key, where the extrapolation must be exact.
#include <cmath>

#include <gtest/gtest.h>

#include "cli/run_time_estimate.hpp"

namespace td {
namespace {

const char* kConfig = R"(
experiment = "learning"
[training]
steps = 1500
warmup = 50
snapshots = 6
[taep]
trajectories = 256
[curvature]
hessian_batches = 2
covariance_batches = 48
[[models]]
name = "a"
[models.training]
steps = 640
[grid]
steps = 100
)";

double value(const toml::table& t, const char* path) { return double(*t.at_path(path).value<int64_t>()); }

TEST(RunTimeEstimate, PilotsScaleEachSizeAndDoubleItUnlessHalfTheRun) {
  const toml::table run = toml::parse(kConfig);
  SizeKeys k1, k2;
  const toml::table p1 = pilot_config(run, 1.0 / 64, false, &k1), p2 = pilot_config(run, 1.0 / 64, true, &k2);
  EXPECT_EQ(value(p1, "training.steps"), 23);  // round(1500 / 64)
  EXPECT_EQ(value(p2, "training.steps"), 46);
  EXPECT_EQ(value(p1, "training.warmup"), 1);
  EXPECT_EQ(value(p1, "taep.trajectories"), 64);  // at its floor (a block), 1/4 of the run's
  EXPECT_EQ(value(p2, "taep.trajectories"), 128);  // doubled all the same
  EXPECT_EQ(value(p1, "curvature.hessian_batches"), 1);
  EXPECT_EQ(value(p2, "curvature.hessian_batches"), 1);  // half the run's: kept
  EXPECT_EQ(value(p1, "curvature.covariance_batches"), 2);
  EXPECT_EQ(value(p2, "curvature.covariance_batches"), 4);
  EXPECT_EQ(value(p1, "training.snapshots"), 2);  // repeats stages: at least 2, never doubled
  EXPECT_EQ(value(p2, "training.snapshots"), 2);
  EXPECT_EQ(value(p1, "models[0].training.steps"), 10);
  EXPECT_EQ(value(p1, "grid.steps"), 100);  // not a size
  EXPECT_EQ(k1.at("models.training.steps").run, 640);
  EXPECT_EQ(k1.at("models.training.steps").pilot, 10);
  EXPECT_EQ(k2.at("taep.trajectories").pilot, 128);
  EXPECT_EQ(k1.count("grid.steps"), 0u);
  EXPECT_TRUE(pilot_config(toml::parse("experiment = \"information\"\n[speciation]\nd = [2, 10]\n"), 1.0 / 64, false) ==
              toml::parse("experiment = \"information\"\n[speciation]\nd = [2, 10]\n"));
}

// Stage costs: training 0.5 s + 0.03 s a step; TAEP 1 s + 0.2 s a trajectory; curvature, for each
// snapshot, 35 s a Hessian batch + 0.1 s a covariance batch; an undeclared stage of 2 s; 0.3 s
// outside the stages.
PilotTime pilot_time(const SizeKeys& k, double one_off) {
  PilotTime t;
  t.stages["training"] = 0.5 + 0.03 * k.at("training.steps").pilot + one_off;
  t.stages["taep"] = 1 + 0.2 * k.at("taep.trajectories").pilot;
  t.stages["curvature"] = k.at("training.snapshots").pilot *
                          (35 * k.at("curvature.hessian_batches").pilot + 0.1 * k.at("curvature.covariance_batches").pilot);
  t.stages["other"] = 2;
  t.stages["total"] = 0;  // not a stage
  t.seconds = 0.3;
  for (const char* s : {"training", "taep", "curvature", "other"}) t.seconds += t.stages[s].get<double>();
  return t;
}

const std::map<std::string, std::vector<std::string>> kDeclared = {
    {"training", {"training.steps"}},
    {"taep", {"taep.trajectories"}},
    {"curvature", {"curvature.hessian_batches", "curvature.covariance_batches", "*training.snapshots"}}};

TEST(RunTimeEstimate, EachStageGrowsByItsOwnKeysExactlyOnALinearCost) {
  const toml::table run = toml::parse(kConfig);
  SizeKeys k1, k2;
  pilot_config(run, 1.0 / 64, false, &k1), pilot_config(run, 1.0 / 64, true, &k2);
  const double truth = (0.5 + 0.03 * 1500) + (1 + 0.2 * 256) + 6 * (35 * 2 + 0.1 * 48) + 2 + 0.3;
  // Exact times: all growth counts (noise 0).
  const double est = extrapolate_pilots(pilot_time(k1, 0), pilot_time(k2, 0), k1, k2, kDeclared, 1.0 / 64, 0);
  std::printf("run %.4f s, estimate %.4f s\n", truth, est);
  EXPECT_NEAR(est, truth, 1e-9 * truth);
  // With growth within the timing noise not counted, the estimate is lower, by at most what 10% of
  // each stage's first pilot time, grown, amounts to.
  const double robust = extrapolate_pilots(pilot_time(k1, 0), pilot_time(k2, 0), k1, k2, kDeclared, 1.0 / 64);
  EXPECT_LT(robust, truth);
  EXPECT_GT(robust, 0.5 * truth);
  // One size for all (every stage as 1/f, the estimate before stages declared their keys) is far off.
  EXPECT_GT(extrapolate_pilots(pilot_time(k1, 0), pilot_time(k2, 0), k1, k2, {}, 1.0 / 64), 1.5 * truth);
}

TEST(RunTimeEstimate, AFirstPilotThatPaidOneOffCostsCountsThemOnce) {
  // A stage with no fixed part whose first pilot also paid 4 s once: its second pilot is taken as all
  // growing, and the 4 s are added once.
  double one_off = 0;
  const double t1 = 0.03 * 23 + 4, t2 = 0.03 * 46;
  EXPECT_NEAR(stage_run_seconds(t1, t2, 1500.0 / 23, 1, one_off), 0.03 * 1500, 1e-12);
  EXPECT_NEAR(one_off, 4, 1e-12);
  // Without that sign (the time did not more than halve) the two times fit a + b, b = t2 - t1 >= 0.
  one_off = 0;
  EXPECT_NEAR(stage_run_seconds(10.2, 10.0, 64, 1, one_off), 10.2, 1e-12);  // timing noise on a fixed stage
  EXPECT_NEAR(stage_run_seconds(10.0, 10.9, 64, 1, one_off), 10.0, 1e-12);  // 9%: noise, not 58 s of growth
  EXPECT_NEAR(stage_run_seconds(10.0, 12.0, 64, 1, one_off), 9 + 64, 1e-12);  // beyond it: b = 2 - 1
  EXPECT_EQ(one_off, 0);
}

}  // namespace
}  // namespace td
