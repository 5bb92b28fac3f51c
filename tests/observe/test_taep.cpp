// TAEP (FORMULAS §2): identities, theorems, the negative control, reproducibility and the
// fast-vs-reference comparison. Statistical assertions use 4 standard errors with printed seeds.
#include <omp.h>

#include "common.hpp"
#include "core/stats.hpp"
#include "observe/exact_reference.hpp"
#include "observe/taep.hpp"
#include "observe/taep_dft.hpp"
#include "score/perturbed_score.hpp"
#include "core/error.hpp"

namespace td {
namespace {

struct RingCase {
  Process process{default_process(ProcessKind::VP)};
  GaussianMixture target = ring_mixture(8, 2.0, 0.1);
  std::shared_ptr<MixtureScore> target_score = std::make_shared<MixtureScore>(target, process);
  TimeGrid grid(int steps) const { return TimeGrid(process.t_min(), process.T(), steps); }
  InitFn init(uint64_t seed) const { return test::init_at(target, process, process.t_min(), {seed, Stream::Init}); }
  TaepTrajectories run(const Score& model, int64_t n, int steps, uint64_t seed, TaepOptions opt = {}, int block = 256) const {
    return run_taep(process, grid(steps), *target_score, {&model}, {n, block}, init(seed),
                    PhiloxNoise({seed, Stream::Forward}), opt)[0];
  }
  Estimate objective(const Score& model, int steps, int samples, uint64_t seed) const {
    return sm_objective(process, grid(steps), *target_score, model,
                        mixture_marginal_sampler(target, process, {seed, Stream::Objective}), samples).total;
  }
};

double rms_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s / double(a.size()));
}

}  // namespace

TEST(Taep, PerfectModelGivesZeroOnEveryPath) {
  const RingCase s;
  const MixtureScore same(s.target, s.process);  // a separate instance of the exact score
  for (int steps : {7, 300}) {
    const TaepTrajectories tr = s.run(same, 500, steps, 3);
    for (size_t i = 0; i < tr.sigma.size(); ++i) {
      ASSERT_EQ(tr.sigma[i], 0.0) << "trajectory " << i;
      ASSERT_EQ(tr.kernel[i], 0.0);
      ASSERT_EQ(tr.noise[i], 0.0);
    }
  }
}

// §2.5: for s_theta = grad ln q_t, the eq. 28 sum converges path by path to
// ln(p/q)(x_tmin) - ln(p/q)(x_T), with rms error ~ sqrt(dt) (same Brownian path at each dt).
TEST(Taep, ExactScoreFieldIdentityConvergesAsSqrtDt) {
  const uint64_t seed = 11;
  test::print_seed(seed);
  const RingCase s;
  const MixtureScore q(test::collapse_ring(8, 2.0, 0.1, 1, 0.25), s.process);
  const int finest = 1600, levels = 4;
  std::vector<double> dt, rms_v;
  for (int L = levels - 1; L >= 0; --L) {
    const int steps = finest >> L;
    const RefinedNoise noise({seed, Stream::Forward}, L);
    const auto tr = run_taep(s.process, s.grid(steps), *s.target_score, {&q}, {1000, 256}, s.init(seed), noise)[0];
    const double rms = rms_diff(tr.sigma, tr.exact);
    std::cout << "  steps " << steps << ": rms(Sigma - Sigma_exact) = " << rms << std::endl;
    dt.push_back(s.grid(steps).max_dt());
    rms_v.push_back(rms);
  }
  const double slope = test::fit_order(dt, rms_v);
  std::cout << "  fitted order " << slope << std::endl;
  EXPECT_NEAR(slope, 0.5, 0.15);
  EXPECT_LT(rms_v.back(), 0.05);
}

// <Sigma> = KL-type exact mean and the score-matching objective; Var Sigma = exact variance (§2.4-2.5).
TEST(Taep, MeanAndVarianceMatchExactReferencesAndObjective) {
  const uint64_t seed = 5;
  test::print_seed(seed);
  const RingCase s;
  for (double alpha : {0.25, 0.1}) {
    const MixtureScore q(test::collapse_ring(8, 2.0, 0.1, 1, alpha), s.process);
    const int steps = 500;
    const TaepSummary t = summarize_taep(s.run(q, 40000, steps, seed));
    const ExactReference e = exact_reference(s.process, *s.target_score, q,
                                             mixture_marginal_sampler(s.target, s.process, {seed, Stream::ExactMC}),
                                             400000, {seed, Stream::ExactTransition});
    const Estimate obj = s.objective(q, steps, 2000, seed);
    std::cout << "  alpha " << alpha << ": <Sigma> " << t.mean << " +- " << t.mean_se << ", exact " << e.sigma_mean.value
              << " +- " << e.sigma_mean.se << ", objective " << obj.value << " +- " << obj.se << "; Var " << t.var
              << " +- " << t.var_se << ", exact " << e.sigma_var.value << " +- " << e.sigma_var.se << std::endl;
    EXPECT_NEAR(t.mean, e.sigma_mean.value, test::tol(t.mean_se, e.sigma_mean.se));
    EXPECT_NEAR(t.mean, obj.value, test::tol(t.mean_se, obj.se));
    EXPECT_NEAR(t.var, e.sigma_var.value, test::tol(t.var_se, e.sigma_var.se));
    // At T = 1 the VP marginals have merged: the exact mean is KL at t_min.
    EXPECT_NEAR(e.kl_T.value, 0.0, 1e-3);
    // Separated-mode closed form (eq. 55) for this well-separated ring, relative to its own SE.
    const double v_sep = relvar_separated_uniform(collapse_weights(8, 1, alpha));
    EXPECT_NEAR(e.relvar.value, v_sep, 4 * e.relvar.se + 0.01 * v_sep);
  }
}

// Integral FT <exp(-Sigma)> = 1 for gradient and non-gradient score errors with Var Sigma <~ 1.
TEST(Taep, IntegralFluctuationTheoremHolds) {
  const uint64_t seed = 9;
  test::print_seed(seed);
  const RingCase s;
  const MixtureScore collapse(test::collapse_ring(8, 2.0, 0.1, 2, 0.5), s.process);
  const PerturbedScore rotate(s.target_score, PerturbKind::Rotate, 0.1);
  const PerturbedScore scale(s.target_score, PerturbKind::Scale, 0.08);
  for (const Score* m : std::vector<const Score*>{&collapse, &rotate, &scale}) {
    const TaepSummary t = summarize_taep(s.run(*m, 40000, 400, seed));
    std::cout << "  " << m->describe() << ": <Sigma> " << t.mean << ", Var " << t.var << ", <e^-Sigma> " << t.ift
              << " +- " << t.ift_se << " (ESS " << t.ift_ess << ")" << std::endl;
    ASSERT_LT(t.var, 1.2);
    ASSERT_GT(t.mean, 5 * t.mean_se);  // a real, non-trivial error
    EXPECT_NEAR(t.ift, 1.0, 4 * t.ift_se);
    // Non-gradient model: mean equals the objective too.
    if (m == &rotate) {
      const Estimate obj = s.objective(*m, 400, 2000, seed);
      EXPECT_NEAR(t.mean, obj.value, test::tol(t.mean_se, obj.se));
    }
  }
}

// Negative control (§2.3 convention trap): Hyvarinen kernel + midpoint noise product is wrong.
TEST(Taep, MidpointProductWithHyvarinenKernelBreaksTheIdentities) {
  const uint64_t seed = 13;
  test::print_seed(seed);
  const RingCase s;
  const PerturbedScore scale(s.target_score, PerturbKind::Scale, 0.08);
  const TaepSummary ito = summarize_taep(s.run(scale, 20000, 400, seed));
  TaepOptions midpoint;
  midpoint.product = NoiseProduct::Midpoint;
  const TaepSummary mid = summarize_taep(s.run(scale, 20000, 400, seed, midpoint));
  const Estimate obj = s.objective(scale, 400, 2000, seed);
  std::cout << "  objective " << obj.value << "; Ito <Sigma> " << ito.mean << ", <e^-Sigma> " << ito.ift
            << "; midpoint <Sigma> " << mid.mean << " +- " << mid.mean_se << ", <e^-Sigma> " << mid.ift << " +- "
            << mid.ift_se << std::endl;
  EXPECT_NEAR(ito.mean, obj.value, test::tol(ito.mean_se, obj.se));
  EXPECT_GT(std::abs(mid.mean - obj.value), 20 * test::tol(mid.mean_se, obj.se, 1.0));
  EXPECT_LT(mid.mean, 0.0);  // here the wrong convention even flips the sign of <Sigma>
  EXPECT_GT(std::abs(mid.ift - 1.0), 10 * mid.ift_se);
}

TEST(Taep, BitIdenticalForAnyThreadCountAndBlockSize) {
  const RingCase s;
  const MixtureScore q(test::collapse_ring(8, 2.0, 0.1, 1, 0.25), s.process);
  const int saved = omp_get_max_threads();
  std::vector<std::vector<double>> runs;
  for (auto [threads, block] : {std::pair{1, 256}, {2, 256}, {2, 40}, {1, 1000}}) {
    omp_set_num_threads(threads);
    const auto tr = s.run(q, 3001, 100, 21, {}, block);
    runs.push_back(tr.sigma);
    runs.back().insert(runs.back().end(), tr.exact.begin(), tr.exact.end());
  }
  omp_set_num_threads(saved);
  for (size_t r = 1; r < runs.size(); ++r) ASSERT_EQ(runs[r], runs[0]) << "configuration " << r;
}

// An ensemble run in chunks of trajectory ids (as a resumable run checkpoints it) fills every
// trajectory exactly once, bit-identical to the whole ensemble, for chunk edges on and off blocks.
TEST(Taep, ChunkedEnsembleEqualsTheWholeOne) {
  const RingCase s;
  const MixtureScore q(test::collapse_ring(8, 2.0, 0.1, 1, 0.25), s.process);
  const int64_t n = 3001;
  const auto whole = s.run(q, n, 100, 21, {}, 40);
  for (const std::vector<int64_t>& edges : {std::vector<int64_t>{0, 1000, 2000, -1}, {0, 40, 41, 1999, 3001}}) {
    std::vector<double> sigma(n, NAN);
    int64_t covered = 0;
    for (size_t c = 0; c + 1 < edges.size(); ++c) {
      EnsembleSpec spec{n, 40, edges[c], edges[c + 1]};
      const auto [lo, hi] = ensemble_range(spec);
      covered += hi - lo;
      const auto part = run_taep(s.process, s.grid(100), *s.target_score, {&q}, spec, s.init(21),
                                 PhiloxNoise({21, Stream::Forward}))[0];
      for (int64_t i = lo; i < hi; ++i) {
        EXPECT_TRUE(std::isnan(sigma[size_t(i)])) << "trajectory " << i << " in two chunks";
        sigma[size_t(i)] = part.sigma[size_t(i)];
      }
    }
    EXPECT_EQ(covered, n);
    EXPECT_EQ(sigma, whole.sigma);
  }
}

TEST(Taep, FastEnsembleMatchesScalarReference) {
  const RingCase s;
  const GaussianMixture qm = test::collapse_ring(8, 2.0, 0.1, 3, 0.5);
  const MixtureScore q_fast(qm, s.process), q_ref(qm, s.process, true), t_ref(s.target, s.process, true);
  // 201 steps: the coarse (2 dt) sum's last step is a single fine one.
  const auto fast = s.run(q_fast, 64, 201, 4);
  const auto ref = run_taep_reference(s.process, s.grid(201), t_ref, q_ref, 64, s.init(4), PhiloxNoise({4, Stream::Forward}));
  auto rel = [](const std::vector<double>& a, const std::vector<double>& b) {
    double num = 0, den = 0;
    for (size_t i = 0; i < b.size(); ++i) num += std::pow(a[i] - b[i], 2), den += b[i] * b[i];
    return num / den;
  };
  EXPECT_LE(rel(fast.sigma, ref.sigma), 1e-12);
  EXPECT_LE(rel(fast.sigma_coarse, ref.sigma_coarse), 1e-12);
  EXPECT_GT(rel(ref.sigma, ref.sigma_coarse), 1e-8);  // the two sums differ: the comparison sees the pairing
}

// Detailed FT: ln P(Sigma) - ln P_Q(Sigma) = Sigma, and <e^Sigma> over reverse paths = 1.
// The reverse Euler-Maruyama sampler is the least accurate part near t_min: at 400 steps the fitted
// slope is about 0.95 +- 0.02, at 1600 steps 0.96 +- 0.02, so the test uses 1600 steps.
TEST(Taep, DetailedFluctuationTheoremFromReversePaths) {
  const uint64_t seed = 17;
  test::print_seed(seed);
  const RingCase s;
  const MixtureScore q(test::collapse_ring(8, 2.0, 0.1, 2, 0.4), s.process);
  const int steps = 1600;
  const int64_t n = 40000;
  const auto fwd = s.run(q, n, steps, seed);
  const InitFn init_T = test::init_at(s.target, s.process, s.process.T(), {seed, Stream::Prior});
  const auto rev = run_taep_on_reverse_paths(s.process, s.grid(steps), *s.target_score, q, {n, 256}, init_T,
                                             PhiloxNoise({seed, Stream::Reverse}));
  const DftCheck c = dft_check(fwd.sigma, rev, 30, 50);
  std::cout << "  slope " << c.slope << " +- " << c.slope_se << " over " << c.centers.size() << " bins; <e^Sigma>_Q "
            << c.ift_reverse << " +- " << c.ift_reverse_se << std::endl;
  ASSERT_GE(c.centers.size(), 5u);
  EXPECT_NEAR(c.slope, 1.0, 4 * c.slope_se);
  EXPECT_NEAR(c.ift_reverse, 1.0, 4 * c.ift_reverse_se);
}

}  // namespace td

namespace td {
namespace {

}  // namespace
}  // namespace td
