// Baseline schedules (process/schedules.hpp): on every process kind, n levels from T to t_min
// exactly, descending, each placed by its rule.
#include <algorithm>
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

// density_schedule against closed forms. A rate linear in t from t_min (the trapezoid is exact for
// it): the cumulative is quadratic, so level j of n sits at t_min + (T - t_min) sqrt((n-1-j)/(n-1)),
// up to the linear interpolation between 2001 nodes (O(h^2) ~ 1e-7). floor = 1 on nodes uniform in
// log sigma~ is the uniform_log_sigma baseline (its levels are nodes).
TEST(Schedules, DensityScheduleMatchesClosedForms) {
  const Process p(default_process(ProcessKind::VP));
  const int m = 2001, n = 9;
  std::vector<double> nodes, r;
  for (int i = 0; i < m; ++i) {
    nodes.push_back(p.t_min() + (p.T() - p.t_min()) * i / (m - 1));
    r.push_back(nodes.back() - p.t_min());
  }
  const std::vector<double> t = density_schedule(p, nodes, r, n, 0.0);
  ASSERT_EQ(t.size(), size_t(n));
  for (int j = 0; j < n; ++j)
    EXPECT_NEAR(t[size_t(j)], p.t_min() + (p.T() - p.t_min()) * std::sqrt(double(n - 1 - j) / (n - 1)), 1e-6) << j;
  std::vector<double> log_nodes = baseline_schedule("uniform_log_sigma", p, m);  // every 250th is a level of n = 9
  std::reverse(log_nodes.begin(), log_nodes.end());
  const std::vector<double> u = density_schedule(p, log_nodes, r, n, 1.0), g = baseline_schedule("uniform_log_sigma", p, n);
  for (int j = 0; j < n; ++j) EXPECT_NEAR(p.log_sigma_tilde(u[size_t(j)]), p.log_sigma_tilde(g[size_t(j)]), 1e-9) << j;
  // A bump at t = 0.3 of width 0.02 with floor 0.2: at least (1 - 0.2) of the 41 levels' gaps
  // minus one lie within 3 widths of it (a Gaussian holds 99.7% there).
  std::vector<double> bump;
  for (double x : nodes) bump.push_back(std::exp(-0.5 * std::pow((x - 0.3) / 0.02, 2)));
  const std::vector<double> b = density_schedule(p, nodes, bump, 41, 0.2);
  int near = 0;
  for (double x : b) near += std::abs(x - 0.3) < 0.06;
  EXPECT_GE(near, int(0.8 * 40) - 1) << near;
}

TEST(Schedules, DensityScheduleErrorsNameTheProblem) {
  const Process p(default_process(ProcessKind::VP));
  const std::vector<double> nodes = {p.t_min(), 0.5, p.T()};
  auto message = [&](const std::vector<double>& x, const std::vector<double>& r, double floor) {
    try {
      density_schedule(p, x, r, 5, floor);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(nodes, {1, -1, 1}, 0.1).find("the rate at node 1 (t = 0.5) is -1"), std::string::npos);
  EXPECT_NE(message(nodes, {1, 1, 1}, 1.5).find("floor 1.5 is outside [0, 1]"), std::string::npos);
  EXPECT_NE(message({0.1, 0.5, p.T()}, {1, 1, 1}, 0.1).find("not the process's"), std::string::npos);
  EXPECT_NE(message({p.t_min(), 0.5, 0.4, p.T()}, {1, 1, 1, 1}, 0.1).find("nodes must ascend"), std::string::npos);
  EXPECT_NE(message(nodes, {0, 0, 0}, 0.0).find("the rate is 0 at every node"), std::string::npos);
  EXPECT_EQ(message(nodes, {0, 0, 0}, 1.0), "no error");
}

}  // namespace td

