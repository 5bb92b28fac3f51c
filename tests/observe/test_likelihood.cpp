// PF-ODE likelihood (FORMULAS §3): closed forms for Gaussian data, the exact NLL of a mixture
// when the prior is its own p_T, RK4's order, adaptive against fixed steps, Hutchinson's
// unbiasedness and its probe held fixed over the solve, budgets and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>

#include "common.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "observe/likelihood.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

GaussianMixture gaussian(const RowVec& m, double c) {
  GaussianMixture g;
  g.weights = Vec::Ones(1);
  g.means = m;
  g.vars = Mat::Constant(1, m.size(), c);
  return g;
}

// N(m, cI) under the PF-ODE: x_t - alpha_t m scales as sqrt(v_t), v_t = alpha_t^2 c + sigma_t^2,
// and l(T) = (d/2) ln(v_T / v_0); NLL = -ln pi(x_T) - l(T).
Vec gaussian_nll_closed_form(const Process& p, const RowVec& m, double c, const Mat& X0) {
  const int d = int(m.size());
  const double a0 = p.alpha(p.t_min()), aT = p.alpha(p.T());
  const double v0 = a0 * a0 * c + p.sigma2(p.t_min()), vT = aT * aT * c + p.sigma2(p.T());
  Mat XT = ((X0.rowwise() - a0 * m) * std::sqrt(vT / v0)).rowwise() + aT * m;
  Vec lp;
  gaussian_prior(p, d)(XT, lp);
  return -(lp.array() + 0.5 * d * std::log(vT / v0)).matrix();
}

TEST(Likelihood, GaussianDataMatchesClosedFormVpAndVe) {
  for (ProcessKind k : {ProcessKind::VP, ProcessKind::VE}) {
    const Process p(default_process(k));
    RowVec m(3);
    m << 0.5, -1.0, 2.0;
    const double c = 0.7;
    const MixtureScore s(gaussian(m, c), p);
    const Mat X0 = test::points(40, 3, 11);
    NllOptions o;
    o.rtol = o.atol = 1e-9;
    const NllResult r = pf_ode_nll(p, s, X0, o, gaussian_prior(p, 3));
    const Vec ref = gaussian_nll_closed_form(p, m, c, X0);
    const double err = (r.nll - ref).cwiseAbs().maxCoeff();
    std::printf("%s: max |NLL - closed form| = %.3g nats, mean NFE %.0f\n", process_kind_name(k).c_str(), err,
                double(std::accumulate(r.nfe.begin(), r.nfe.end(), int64_t(0))) / r.nfe.size());
    EXPECT_LT(err, 1e-6);
    for (char f : r.incomplete) EXPECT_EQ(f, 0);
  }
}

// With the prior set to the model's own p_T, the PF-ODE NLL is -ln p_{t_min}(x_0) exactly, for
// a non-Gaussian mixture (exercises the exact mixture divergence).
TEST(Likelihood, MixtureWithItsOwnPriorGivesItsLogDensity) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  const Mat X0 = test::points(24, 2, 12);
  const LogPriorFn own = [&](const Mat& XT, Vec& lp) { s.log_density(XT, p.T(), lp); };
  NllOptions o;
  o.rtol = o.atol = 1e-9;
  const NllResult r = pf_ode_nll(p, s, X0, o, own);
  Vec ref;
  s.log_density(X0, p.t_min(), ref);
  const double err = (r.nll + ref).cwiseAbs().maxCoeff();
  std::printf("max |NLL + ln p_tmin(x0)| = %.3g nats\n", err);
  EXPECT_LT(err, 1e-6);
}

// RK4 on the Gaussian: error ~ N^-4; the fitted order is 4 within 0.3.
TEST(Likelihood, Rk4ConvergesAtOrderFour) {
  const Process p(default_process(ProcessKind::VP));
  RowVec m(2);
  m << 1.0, -0.5;
  const MixtureScore s(gaussian(m, 0.5), p);
  const Mat X0 = test::points(8, 2, 13);
  const Vec ref = gaussian_nll_closed_form(p, m, 0.5, X0);
  std::vector<double> nv, ev, mean;
  for (int n : {20, 40, 80, 160}) {
    NllOptions o;
    o.solver = OdeSolver::RK4;
    o.rk4_steps = n;
    const Vec nll = pf_ode_nll(p, s, X0, o, gaussian_prior(p, 2)).nll;
    const double err = (nll - ref).cwiseAbs().maxCoeff();
    std::printf("RK4 %4d steps: max error %.3e\n", n, err);
    nv.push_back(n);
    ev.push_back(err);
    mean.push_back(nll.mean());
  }
  // The likelihood experiment's dt_error for fixed steps, (NLL(2h) - NLL(h)) / 15, against the true
  // error of the mean NLL at 40, 80 and 160 steps.
  for (size_t i = 1; i < mean.size(); ++i) {
    const double predicted = (mean[i - 1] - mean[i]) / 15, actual = mean[i] - ref.mean();
    std::printf("RK4 %4.0f steps: dt_error %.3e, actual error %.3e\n", nv[i], predicted, actual);
    EXPECT_NEAR(predicted, actual, 0.25 * std::abs(actual));
  }
  const double order = -test::fit_order(nv, ev);
  std::printf("fitted order %.3f\n", order);
  EXPECT_NEAR(order, 4.0, 0.3);
}

TEST(Likelihood, AdaptiveAndFixedStepAgree) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  const Mat X0 = test::points(16, 2, 14);
  NllOptions a;
  a.rtol = a.atol = 1e-8;
  NllOptions f;
  f.solver = OdeSolver::RK4;
  f.rk4_steps = 2000;
  const NllResult ra = pf_ode_nll(p, s, X0, a, gaussian_prior(p, 2)), rf = pf_ode_nll(p, s, X0, f, gaussian_prior(p, 2));
  const double diff = (ra.nll - rf.nll).cwiseAbs().maxCoeff();
  std::printf("max |adaptive - RK4| = %.3g nats\n", diff);
  EXPECT_LT(diff, 1e-6);
}

// Hutchinson with one probe per sample: the mean NLL over 4000 samples of the same point (each
// its own probe) is within 4 SE of the exact NLL.
TEST(Likelihood, HutchinsonIsUnbiased) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  const Mat X0 = Mat::Constant(4000, 2, 0.3);
  NllOptions o;
  o.solver = OdeSolver::RK4;
  o.rk4_steps = 100;
  o.seed = 21;
  test::print_seed(o.seed);
  const double exact = pf_ode_nll(p, s, X0.topRows(1), o, gaussian_prior(p, 2)).nll[0];
  o.hutchinson_probes = 1;
  const NllResult h = pf_ode_nll(p, s, X0, o, gaussian_prior(p, 2));
  Moments st;
  for (Eigen::Index i = 0; i < h.nll.size(); ++i) st.add(h.nll[i]);
  std::printf("Hutchinson NLL %.5f +- %.5f, exact %.5f\n", st.mean(), st.mean_se(), exact);
  EXPECT_LT(std::abs(st.mean() - exact), 4 * st.mean_se());
  EXPECT_GT(st.mean_se(), 0.0);
}

// The probe is drawn once per sample and held for the whole solve. In d = 2 a Rademacher probe
// gives e^T J e = div s + 2 e1 e2 J12, so with a fixed probe l_H - l = -(e1 e2) int g^2 J12 dt:
// exactly two values +-I over samples. Probes redrawn per step would smear this into a continuum.
// 64 samples of one point of the two-mode mixture in d = 2, RK4 with 200 steps, and its exact NLL.
struct TwoModeNll {
  Process p{default_process(ProcessKind::VP)};
  MixtureScore s{test::two_modes(), p};
  Mat X0 = Mat::Constant(64, 2, 0.3);
  NllOptions o{.solver = OdeSolver::RK4, .rk4_steps = 200};
  NllResult nll(int probes) {
    o.hutchinson_probes = probes;
    return pf_ode_nll(p, s, X0, o, gaussian_prior(p, 2));
  }
  double exact = nll(0).nll[0];
};

TEST(Likelihood, HutchinsonProbeIsFixedPerSample) {
  TwoModeNll t;
  const double exact = t.exact;
  const NllResult h = t.nll(1);
  const Vec diff = h.nll.array() - exact;
  const double I = diff.cwiseAbs().maxCoeff();
  int plus = 0, minus = 0;
  for (Eigen::Index i = 0; i < diff.size(); ++i) {
    EXPECT_NEAR(std::abs(diff[i]), I, 1e-9 * (1 + I));
    (diff[i] > 0 ? plus : minus)++;
  }
  std::printf("|NLL_H - NLL| = %.5f for all samples (%d +, %d -)\n", I, plus, minus);
  EXPECT_GT(I, 1e-3);
  EXPECT_GT(plus, 0);
  EXPECT_GT(minus, 0);
}

// Two probes, each with its own divergence integral (the probe variance of the NLL). In d = 2 each
// probe's integral is the exact one +-I (the test above), so a sample's two probes agree (variance
// 0, NLL = exact +- I) or disagree (variance I^2, NLL = exact): the variance of their mean is
// (l1 - l2)^2 / 4. The first probe alone (k = 1) is probe 0 of the pair, so its NLL minus the pair's
// is (l1 - l2)/2 and its square is the pair's probe variance, on the same RK4 steps.
TEST(Likelihood, ProbeVarianceIsTheSpreadOfEachProbesIntegral) {
  TwoModeNll t;
  const double exact = t.exact;
  EXPECT_EQ(t.nll(0).probe_var[0], 0.0);  // exact divergence
  const NllResult one = t.nll(1);
  const double I = (one.nll.array() - exact).cwiseAbs().maxCoeff();
  EXPECT_TRUE(std::isnan(one.probe_var[0]));  // one probe: not estimable
  const NllResult two = t.nll(2);
  const Mat& X0 = t.X0;
  int agree = 0, disagree = 0;
  for (Eigen::Index i = 0; i < X0.rows(); ++i) {
    const double d1 = one.nll[i] - two.nll[i];
    EXPECT_NEAR(two.probe_var[i], d1 * d1, 1e-9 * (1 + I * I));
    if (two.probe_var[i] < 1e-9 * I * I) {
      ++agree;
      EXPECT_NEAR(std::abs(two.nll[i] - exact), I, 1e-9 * (1 + I));
    } else {
      ++disagree;
      EXPECT_NEAR(two.probe_var[i], I * I, 1e-9 * (1 + I * I));
      EXPECT_NEAR(two.nll[i], exact, 1e-9 * (1 + I));
    }
  }
  std::printf("I = %.5f: %d samples whose probes agree (variance 0), %d disagree (variance I^2)\n", I, agree, disagree);
  EXPECT_GT(agree, 0);
  EXPECT_GT(disagree, 0);
}

TEST(Likelihood, BudgetFlagsIncompleteSamples) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  NllOptions o;
  o.max_steps = 3;
  const NllResult r = pf_ode_nll(p, s, test::points(8, 2, 15), o, gaussian_prior(p, 2));
  for (size_t i = 0; i < r.incomplete.size(); ++i) {
    EXPECT_EQ(r.incomplete[i], 1);
    EXPECT_LT(r.t_reached[Eigen::Index(i)], p.T());
  }
}

TEST(Likelihood, SameResultsForAnyBlockSize) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  const Mat X0 = test::points(37, 2, 16);
  NllOptions a;
  NllOptions b = a;
  b.block = 8;
  const NllResult ra = pf_ode_nll(p, s, X0, a, gaussian_prior(p, 2)), rb = pf_ode_nll(p, s, X0, b, gaussian_prior(p, 2));
  EXPECT_EQ((ra.nll - rb.nll).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(ra.nfe, rb.nfe);
}

TEST(Likelihood, DimensionMismatchIsAnInputError) {
  const Process p(default_process(ProcessKind::VP));
  const MixtureScore s(test::two_modes(), p);
  EXPECT_THROW(pf_ode_nll(p, s, Mat::Zero(4, 3), NllOptions{}, gaussian_prior(p, 3)), InputError);
}

}  // namespace
}  // namespace td
