// Baseline schedules (process/schedules.hpp): on every process kind, n levels from T to t_min
// exactly, descending, each placed by its rule.
#include <cmath>

#include "common.hpp"
#include "core/error.hpp"
#include "process/schedules.hpp"

namespace td {

TEST(Schedules, BaselinesFollowTheirRulesOnEveryProcess) {
  for (ProcessKind kind : {ProcessKind::VP, ProcessKind::OU, ProcessKind::VE, ProcessKind::EDM}) {
    const Process p(default_process(kind));
    const std::string who = process_kind_name(kind);
    const int n = 9;
    for (const std::string& name : baseline_schedule_names()) {
      const std::vector<double> t = baseline_schedule(name, p, n);
      ASSERT_EQ(t.size(), size_t(n)) << who << " " << name;
      EXPECT_EQ(t.front(), p.T()) << who << " " << name;
      EXPECT_EQ(t.back(), p.t_min()) << who << " " << name;
      for (int i = 1; i < n; ++i) EXPECT_LT(t[size_t(i)], t[size_t(i - 1)]) << who << " " << name << " " << i;
    }
    const double s0 = p.sigma_tilde(p.T()), s1 = p.sigma_tilde(p.t_min());
    const std::vector<double> u = baseline_schedule("uniform_t", p, n), g = baseline_schedule("uniform_log_sigma", p, n),
                              e = baseline_schedule("edm", p, n);
    for (int i = 0; i < n; ++i) {
      const double f = double(i) / (n - 1);
      EXPECT_NEAR(u[size_t(i)], p.T() + f * (p.t_min() - p.T()), 1e-12 * p.T()) << who;
      EXPECT_NEAR(std::log(p.sigma_tilde(g[size_t(i)])), std::log(s0) + f * std::log(s1 / s0), 1e-9) << who;
      const double r = std::pow(s0, 1 / 7.0) + f * (std::pow(s1, 1 / 7.0) - std::pow(s0, 1 / 7.0));
      EXPECT_NEAR(std::log(p.sigma_tilde(e[size_t(i)])), 7 * std::log(r), 1e-9) << who;
    }
  }
}

TEST(Schedules, BadRequestsAreErrors) {
  const Process p(default_process(ProcessKind::VP));
  EXPECT_THROW(baseline_schedule("edm", p, 1), InputError);
  try {
    baseline_schedule("cosine", p, 8);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("edm, uniform_t and uniform_log_sigma"), std::string::npos) << e.what();
  }
  ProcessParams z = default_process(ProcessKind::VE);
  z.t_min = 0;
  EXPECT_THROW(baseline_schedule("uniform_t", Process(z), 8), InputError);
}

}  // namespace td
