// Issue 18's accuracy checks: TAEP on VE, EDM and VP mixtures with d from 20 to 100 and reweighted,
// broadened, scaled and rotated models, at the default grid. Every <Sigma> and Var Sigma must agree
// with its exact reference within 4 sqrt(SE^2 + dt_error^2) (the reported discretization error is
// part of the error bar), and the uniform grid on the EDM case must be flagged (negative control).
#include <cmath>

#include "common.hpp"
#include "core/stats.hpp"
#include "observe/exact_reference.hpp"
#include "observe/taep.hpp"
#include "process/grids.hpp"
#include "score/perturbed_score.hpp"

namespace td {
namespace {

// Four components at +-a e_0 and +-a e_1, standard deviation `std` per coordinate.
GaussianMixture four_modes(int d, double a, double std, Vec w = Vec()) {
  GaussianMixture g;
  g.weights = w.size() ? w : Vec::Constant(4, 0.25);
  g.means = Mat::Zero(4, d);
  g.means(0, 0) = a, g.means(1, 0) = -a, g.means(2, 1) = a, g.means(3, 1) = -a;
  g.vars = Mat::Constant(4, d, std * std);
  return g;
}

struct Check {
  std::string model;
  double value, se, dt, ref, ref_se;
  bool ok() const { return std::abs(value - ref) <= 4 * std::sqrt(se * se + dt * dt + ref_se * ref_se); }
};

// TAEP of four models of four_modes(d) under `kind` on `grid`, against the exact references.
std::vector<Check> run_case(ProcessKind kind, int d, const TimeGrid& grid, int64_t trajectories, uint64_t seed,
                            std::vector<TaepSummary>* summaries = nullptr) {
  const Process p(default_process(kind));
  const GaussianMixture data = four_modes(d, 1.5, 0.3);
  auto target = std::make_shared<MixtureScore>(data, p);
  Vec w(4);
  w << 0.4, 0.3, 0.2, 0.1;
  const MixtureScore reweighted(four_modes(d, 1.5, 0.3, w), p), broadened(four_modes(d, 1.5, 0.33), p);
  const PerturbedScore scaled(target, PerturbKind::Scale, 0.05), rotated(target, PerturbKind::Rotate, 0.1);
  const std::vector<const Score*> models = {&reweighted, &broadened, &scaled, &rotated};
  const auto tr = run_taep(p, grid, *target, models, {trajectories, 256}, test::init_at(data, p, p.t_min(), {seed, Stream::Init}),
                           PhiloxNoise({seed, Stream::Forward}));
  std::vector<Check> out;
  for (size_t m = 0; m < models.size(); ++m) {
    const TaepSummary s = summarize_taep(tr[m]);
    if (summaries) summaries->push_back(s);
    const std::string name = process_kind_name(kind) + " d=" + std::to_string(d) + " " + models[m]->describe();
    if (models[m]->has_log_density()) {  // exact score field: <Sigma> and Var Sigma exactly (§2.5)
      const ExactReference e = exact_reference(p, *target, *models[m], mixture_marginal_sampler(data, p, {seed, Stream::ExactMC}),
                                               200000, {seed, Stream::ExactTransition});
      out.push_back({name + " <Sigma>", s.mean, s.mean_se, s.mean_dt, e.sigma_mean.value, e.sigma_mean.se});
      out.push_back({name + " Var", s.var, s.var_se, s.var_dt, e.sigma_var.value, e.sigma_var.se});
    } else {  // <Sigma> = the score-matching objective (eq. 33), on a fine trapezoid grid
      const Estimate obj = sm_objective(p, make_grid(p, {GridKind::Sigma, 400, 7}), *target, *models[m],
                                        mixture_marginal_sampler(data, p, {seed, Stream::Objective}), 4000).total;
      out.push_back({name + " <Sigma>", s.mean, s.mean_se, s.mean_dt, obj.value, obj.se});
    }
  }
  for (const Check& c : out)
    std::cout << "  " << c.model << ": " << c.value << " +- " << c.se << " (dt " << c.dt << ") vs " << c.ref << " +- "
              << c.ref_se << (c.ok() ? "" : "   <-- outside 4 combined errors") << std::endl;
  return out;
}

}  // namespace

TEST(Discretization, DefaultGridsAgreeWithExactReferencesWithinTheStatedErrors) {
  const uint64_t seed = 41;
  test::print_seed(seed);
  for (auto [kind, d] : {std::pair{ProcessKind::EDM, 20}, std::pair{ProcessKind::VE, 100}, std::pair{ProcessKind::VP, 50}}) {
    const Process p(default_process(kind));
    for (const Check& c : run_case(kind, d, make_grid(p, default_grid(kind, 1000, p.t_min())), 4000, seed)) EXPECT_TRUE(c.ok()) << c.model;
  }
}

// The failure: EDM on a uniform grid of 400 steps. Its numbers are wrong, and it must say so.
TEST(Discretization, UniformGridOnEdmIsFlagged) {
  const uint64_t seed = 43;
  test::print_seed(seed);
  const Process p(default_process(ProcessKind::EDM));
  std::vector<TaepSummary> s;
  const auto checks = run_case(ProcessKind::EDM, 20, TimeGrid(p.t_min(), p.T(), 400), 2000, seed, &s);
  int wrong = 0, flagged = 0;
  for (size_t m = 0; m < s.size(); ++m) {
    const bool f = std::abs(s[m].mean_dt) > s[m].mean_se || std::abs(s[m].var_dt) > s[m].var_se || s[m].mean < -4 * s[m].mean_se;
    flagged += f;
  }
  for (const Check& c : checks) wrong += std::abs(c.value - c.ref) > 4 * std::sqrt(c.se * c.se + c.ref_se * c.ref_se);
  std::cout << "  " << wrong << " estimates off by more than 4 SE; " << flagged << " of " << s.size() << " models flagged" << std::endl;
  EXPECT_GT(wrong, 0);                      // the control is a real failure of the uniform grid
  EXPECT_EQ(flagged, int(s.size()));        // and every model says so
}

}  // namespace td
