// Schedule export (process/schedule_export.hpp): the discrete training levels against closed forms
// and the published Stable Diffusion range, the continuous VP process against DDPM's steps, the
// export's layout and its errors.
#include <sstream>

#include "common.hpp"
#include "core/error.hpp"
#include "process/schedule_export.hpp"

namespace td {

// DDPM (linear 1e-4 .. 0.02): sigma_0 = sqrt(beta_0 / (1 - beta_0)) and sigma_1 from abar_1 =
// (1 - beta_0)(1 - beta_1) in closed form; Stable Diffusion's scaled_linear 0.00085 .. 0.012 spans
// sigma 0.0292 .. 14.6146 (k-diffusion's DiscreteSchedule, to the digits it quotes).
TEST(ScheduleExport, DiscreteLevelsMatchClosedFormsAndStableDiffusion) {
  const std::vector<double> ddpm = discrete_sigmas({});
  ASSERT_EQ(ddpm.size(), 1000u);
  const double b0 = 1e-4, b1 = 1e-4 + (0.02 - 1e-4) / 999, abar1 = (1 - b0) * (1 - b1);
  EXPECT_NEAR(ddpm[0], std::sqrt(b0 / (1 - b0)), 1e-15);
  EXPECT_NEAR(ddpm[1], std::sqrt((1 - abar1) / abar1), 1e-14);
  for (size_t k = 1; k < ddpm.size(); ++k) ASSERT_GT(ddpm[k], ddpm[k - 1]) << k;
  const std::vector<double> sd = discrete_sigmas({"scaled_linear", 0.00085, 0.012, 1000});
  EXPECT_NEAR(sd.front(), 0.0292, 0.00005);
  EXPECT_NEAR(sd.back(), 14.6146, 0.00005);
}

// The VP process (beta 0.1 .. 20) is DDPM's continuous limit: at every time the training step whose
// sigma is nearest to sigma~(t) is ddpm_step's (nearest in log abar) or its neighbour. (Not step
// 1000 t: log(1 - beta) = -beta - beta^2/2 - ..., so near the end the discrete abar lags by ~10 steps.)
TEST(ScheduleExport, VpTimesMapToDdpmSteps) {
  const Process p(default_process(ProcessKind::VP));
  const std::vector<double> ddpm = discrete_sigmas({});
  for (double t = 0.01; t <= 1.0; t += 0.01) {
    const int k = nearest_step(ddpm, p.sigma_tilde(t));
    EXPECT_LE(std::abs(k - ddpm_step(p, t)), 1) << "t " << t;
  }
}

TEST(ScheduleExport, LayoutIsDescendingWithAFinalZero) {
  const Process p(default_process(ProcessKind::VP));
  std::vector<double> t;
  for (int i = 0; i < 10; ++i) t.push_back(1.0 - i * 0.999 / 9);
  const ExportedSchedule e = export_schedule("uniform", p, t, {});
  ASSERT_EQ(e.sigma.size(), 11u);
  ASSERT_EQ(e.timesteps.size(), 10u);
  EXPECT_EQ(e.sigma.back(), 0.0);
  for (size_t i = 1; i < e.sigma.size(); ++i) EXPECT_LT(e.sigma[i], e.sigma[i - 1]) << i;
  for (size_t i = 1; i < e.timesteps.size(); ++i) EXPECT_LT(e.timesteps[i], e.timesteps[i - 1]) << i;
  EXPECT_EQ(e.timesteps.front(), ddpm_step(p, 1.0));
  EXPECT_TRUE(e.warnings.empty());
  const std::string csv = schedules_csv({e});
  std::istringstream in(csv);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 1 + 11);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "schedule,i,t,sigma,timestep");
  EXPECT_NE(csv.find("uniform,10,,0,\n"), std::string::npos) << csv;
}

// Levels finer than the training steps share one: said, not hidden. Times out of order or range,
// a single level and an unknown beta schedule are errors naming what is wrong.
TEST(ScheduleExport, SharedTrainingStepsAreWarnedAndBadSchedulesAreErrors) {
  const Process p(default_process(ProcessKind::VP));
  const ExportedSchedule e = export_schedule("fine", p, {0.8, 0.5, 0.49995}, {});
  ASSERT_EQ(e.warnings.size(), 1u);
  EXPECT_NE(e.warnings[0].find("levels 1 and 2 share training step"), std::string::npos) << e.warnings[0];
  auto message = [&](const std::vector<double>& t, const DiscreteTraining& d) {
    try {
      export_schedule("s", p, t, d);
    } catch (const InputError& x) {
      return std::string(x.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({0.5, 0.6}, {}).find("times must descend, but level 1 (0.6) follows 0.5"), std::string::npos);
  EXPECT_NE(message({1.5, 0.6}, {}).find("time 1.5 (level 0) is outside (0, T = 1]"), std::string::npos);
  EXPECT_NE(message({0.5, 0.0}, {}).find("is outside"), std::string::npos);
  EXPECT_NE(message({0.5}, {}).find("a schedule has at least 2"), std::string::npos);
  EXPECT_NE(message({0.5, 0.1}, {"cosine", 1e-4, 0.02, 1000}).find("use \"linear\" (DDPM) or \"scaled_linear\""),
            std::string::npos);
  EXPECT_NE(message({0.5, 0.1}, {"linear", 1e-4, 1.5, 1000}).find("each must be in (0, 1)"), std::string::npos);
}

}  // namespace td

namespace td {
namespace {

// A discrete model's own steps (diffusers' linspace spacing): DDPM's 1000 linear betas on the VP
// process they discretize: N times from T to t_min whose inner levels are the steps' own sigmas and
// whose exported timesteps are those steps; a process that does not match the training is refused.
TEST(ScheduleExport, DiscreteModelsOwnSteps) {
  ProcessParams q = default_process(ProcessKind::VP);
  q.t_min = 1e-3;
  const Process p(q);
  const DiscreteTraining ddpm;
  const std::vector<double> steps = discrete_sigmas(ddpm);
  const std::vector<double> t = discrete_schedule(p, ddpm, 10);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t.front(), p.T());
  EXPECT_EQ(t.back(), p.t_min());
  const ExportedSchedule e = export_schedule("discrete", p, t, ddpm);
  for (int i = 0; i < 10; ++i) {
    const int k = int(std::lround(999 * (1 - i / 9.0)));
    EXPECT_NEAR(e.timesteps[size_t(i)], k, i == 0 || i == 9 ? 4 : 0) << i;  // the ends: the process's own T and t_min
    if (i > 0 && i < 9) EXPECT_NEAR(e.sigma[size_t(i)], steps[size_t(k)], 1e-9 * steps[size_t(k)]) << i;
  }
  q.beta_max = 10;
  EXPECT_THROW(discrete_schedule(Process(q), ddpm, 10), InputError);
  EXPECT_THROW(discrete_schedule(p, ddpm, 1), InputError);
}

}  // namespace
}  // namespace td
