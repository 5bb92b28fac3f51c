// A model's own collapse (observe/model_collapse.hpp, docs §7.4) and the split time of cloning on
// any classes (observe/speciation.hpp): the exact empirical score's t_C^model is the excess-entropy
// t_C of its training set; a law much wider than the point spacing commits far later; the general
// classifier path equals the mixture path, and the split time matches the two-Gaussian theory.
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "core/error.hpp"
#include "data/dataset.hpp"
#include "data/mixture_posterior.hpp"
#include "observe/model_collapse.hpp"
#include "observe/speciation.hpp"
#include "score/dataset_score.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

// Reading times uniform in ln sigma~ on [s0, s1].
std::vector<double> readings(const Process& p, double s0, double s1, int n) {
  std::vector<double> t;
  for (int k = 0; k < n; ++k) t.push_back(p.time_at_sigma_tilde(s0 * std::pow(s1 / s0, double(k) / (n - 1))));
  return t;
}

// The interval's half-width as an SE (95% percentile interval: 1.96 SE each side).
double interval_se(double lo, double hi) { return (hi - lo) / 3.92; }

struct Case {
  Process p{default_process(ProcessKind::VP)};
  Mat A = test::points(64, 4, 301);
  Mat held = test::points(64, 4, 302);
  ModelCollapseOptions o;
  Case() {
    o.times = readings(p, 0.03, 5.0, 20);
    o.samples = 800;
    o.steps = 400;
    o.seed = 303;
  }
};

// For the exact empirical score, (x_t, the point the path ends on) has the forward law of (x_t, its
// own point): f^model(t) = f^e(t) at every reading within 4 combined SE (plus the sampler's bias, a
// few times 1e-3 here), and t_C^model = t_C within 4 combined interval SEs. The model is the
// training set's own score, so it follows it exactly (eps_train = 0) and not the held-out set's.
TEST(ModelCollapse, ExactEmpiricalScoreCollapsesAtTheExcessEntropyT_C) {
  Case s;
  test::print_seed(s.o.seed);
  const auto exact = exact_score(points_dataset(s.A, 0, "training"), s.p);
  const ModelCollapseResult m = model_collapse(s.p, *exact, s.A, s.held, s.o);
  const CollapseResult e = excess_entropy(s.A, s.p, s.o.times, 4000, s.o.seed);
  for (size_t k = 0; k < e.t.size(); ++k) {
    std::printf("t %.4f (sigma~ %.3f): f_model %.4f +- %.4f, f^e %.4f +- %.4f; eps vs train %.2e, vs held %.3f\n", e.t[k],
                s.p.sigma_tilde(e.t[k]), m.commitment.fe[k], m.commitment.fe_se[k], e.fe[k], e.fe_se[k], m.eps_train[k],
                m.eps_held[k]);
    EXPECT_LT(std::abs(m.commitment.fe[k] - e.fe[k]), test::tol(m.commitment.fe_se[k], e.fe_se[k]) + 5e-3);
    EXPECT_LT(m.eps_train[k], 1e-20);
  }
  const CollapseResult& c = m.commitment;
  std::printf("t_C^model %.4f [%.4f, %.4f], t_C %.4f [%.4f, %.4f]\n", c.t_collapse, c.t_collapse_lo, c.t_collapse_hi,
              e.t_collapse, e.t_collapse_lo, e.t_collapse_hi);
  ASSERT_TRUE(std::isfinite(c.t_collapse) && std::isfinite(c.t_collapse_lo) && std::isfinite(c.t_collapse_hi));
  EXPECT_LT(std::abs(c.t_collapse - e.t_collapse),
            test::tol(interval_se(c.t_collapse_lo, c.t_collapse_hi), interval_se(e.t_collapse_lo, e.t_collapse_hi)));
  EXPECT_GT(m.eps_held.front(), 0.1);  // at small t the held-out set's score points elsewhere
  // It commits to its training set well before it would to a held-out set of the same size.
  const CollapseResult& h = m.held_commitment;
  std::printf("t_C^held %.4f [%.4f, %.4f]\n", h.t_collapse, h.t_collapse_lo, h.t_collapse_hi);
  EXPECT_LT(h.t_collapse_hi, c.t_collapse_lo);
}

// The law the points were drawn from, N(0, I), as a model that generalizes perfectly: its x_t lie
// between the training points, where the posterior stays spread, so it commits well below t_C (the
// intervals do not overlap), and alike to the training and the held-out points. Same numbers for 1 and 2 threads. (A Gaussian-smoothed law of the
// points, wider than the data, is no such model in low d: far out one point dominates the posterior.)
TEST(ModelCollapse, TheDataLawCommitsLaterAndThreadsDoNotMatter) {
  Case s;
  test::print_seed(s.o.seed);
  GaussianMixture law;
  law.weights = Vec::Ones(1), law.means = Mat::Zero(1, 4), law.vars = Mat::Ones(1, 4);
  const auto generalizing = std::make_shared<MixtureScore>(law, s.p);
  omp_set_num_threads(1);
  const ModelCollapseResult one = model_collapse(s.p, *generalizing, s.A, s.held, s.o);
  omp_set_num_threads(2);
  const ModelCollapseResult two = model_collapse(s.p, *generalizing, s.A, s.held, s.o);
  EXPECT_EQ(one.commitment.fe, two.commitment.fe);
  EXPECT_EQ(one.eps_held, two.eps_held);
  EXPECT_EQ(one.commitment.t_collapse_lo, two.commitment.t_collapse_lo);
  const CollapseResult e = excess_entropy(s.A, s.p, s.o.times, 4000, s.o.seed);
  const CollapseResult& c = two.commitment;
  for (size_t k = 0; k < c.t.size(); ++k)
    std::printf("t %.4f (sigma~ %.3f): f_model %.4f +- %.4f, f^e %.4f; eps vs train %.3f, vs held %.3f\n", c.t[k],
                s.p.sigma_tilde(c.t[k]), c.fe[k], c.fe_se[k], e.fe[k], two.eps_train[k], two.eps_held[k]);
  std::printf("data law: t_C^model %.4f [%.4f, %.4f]; empirical t_C %.4f [%.4f, %.4f]\n", c.t_collapse, c.t_collapse_lo,
              c.t_collapse_hi, e.t_collapse, e.t_collapse_lo, e.t_collapse_hi);
  ASSERT_TRUE(std::isfinite(c.t_collapse_hi));
  EXPECT_LT(c.t_collapse_hi, e.t_collapse_lo);  // later in the reverse run: a lower t
  // Training and held-out points are alike to it: t_C^model = t_C^held within 4 combined SEs.
  const CollapseResult& h = two.held_commitment;
  std::printf("data law: t_C^held %.4f [%.4f, %.4f]\n", h.t_collapse, h.t_collapse_lo, h.t_collapse_hi);
  EXPECT_LT(std::abs(c.t_collapse - h.t_collapse),
            test::tol(interval_se(c.t_collapse_lo, c.t_collapse_hi), interval_se(h.t_collapse_lo, h.t_collapse_hi)));
  EXPECT_THROW(model_collapse(s.p, *generalizing, s.A.leftCols(3), s.held, s.o), InputError);
  ModelCollapseOptions bad = s.o;
  bad.times = {0.5, 0.2};
  EXPECT_THROW(model_collapse(s.p, *generalizing, s.A, s.held, bad), InputError);
}

// Cloning with a classifier of our own (the most probable component, as the mixture path classes)
// gives the mixture path's phi bit for bit; the split time read off phi matches the one read the
// same way off the two-Gaussian theory at the same nodes, within 4 interval SEs.
TEST(ModelCollapse, CloningOnAnyClassesAndItsSplitTime) {
  const int d = 32;
  const GaussianMixture g = symmetric_pair(d);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0.01, pp.T = 7;
  const Process p(pp);
  const MixtureScore sc(g, p);
  const double tS = speciation_time(covariance_top_eigenvalue(g));
  CloningOptions o;
  o.samples = 3000, o.seed = 305, o.split_bootstrap = 300;
  for (int k = 0; k <= 16; ++k) o.branch_times.push_back(tS - 1.5 + 0.25 * k);
  test::print_seed(o.seed);
  const TimeGrid grid(pp.t_min, pp.T, 350);
  const CloningResult mix = cloning_probability(g, p, sc, grid, o);
  const Classifier by_component = [&](const Mat& Y, double t_min, Eigen::VectorXi& cls) {
    Mat R;
    posterior_weights(g, {p.alpha(t_min), p.sigma2(t_min)}, Y, R);
    cls.resize(Y.rows());
    for (Eigen::Index i = 0; i < Y.rows(); ++i) R.row(i).maxCoeff(&cls[i]);
  };
  const CloningResult any = cloning_probability(by_component, p, sc, grid, o);
  EXPECT_EQ(any.phi, mix.phi);
  EXPECT_EQ(any.t_split, mix.t_split);
  std::vector<double> th;
  for (double t : any.t) th.push_back(cloning_theory_two_gaussians(p, std::sqrt(double(d)), 1.0, t));
  std::vector<double> t_up(any.t.rbegin(), any.t.rend()), f;
  for (auto it = th.rbegin(); it != th.rend(); ++it) f.push_back(1 - *it);
  const double split_theory = crossing_from_above(t_up, f, (1 - 0.5) / 2);  // two equal classes: chance 1/2
  // sum q^2 - 1/2 = 2 (q - 1/2)^2, q - 1/2 of SE 1/(2 sqrt(n)): within 2 (4 SE)^2 = 8 / n
  EXPECT_NEAR(any.chance, 0.5, 8.0 / o.samples);
  std::printf("split time %.3f [%.3f, %.3f], theory's %.3f, t_S %.3f\n", any.t_split, any.t_split_lo, any.t_split_hi,
              split_theory, tS);
  ASSERT_TRUE(std::isfinite(any.t_split_lo) && std::isfinite(any.t_split_hi));
  EXPECT_LT(std::abs(any.t_split - split_theory), 4 * interval_se(any.t_split_lo, any.t_split_hi) + 0.05);
}

}  // namespace
}  // namespace td
