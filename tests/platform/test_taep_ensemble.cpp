// The TAEP ensemble as the platforms run it: on the cpu platform, the engine's blocks (run_taep
// itself); on a platform's fused kernel (platform/taep_ensemble.hpp, what device = "cuda" runs)
// against run_taep, trajectory for trajectory, on the CPU platform (the same code the GPU runs): a
// whole ensemble and a sub-range of it, and the cases it must decline.
#include "common.hpp"
#include "platform/taep_ensemble.hpp"
#include "score/perturbed_score.hpp"

namespace td {

TEST(TaepFused, EqualsRunTaepOnEveryTrajectoryOfARange) {
  const Process process{default_process(ProcessKind::VP)};
  const TimeGrid grid(process.t_min(), process.T(), 60);
  const GaussianMixture target = ring_mixture(8, 2.0, 0.1);
  const MixtureScore ts(target, process), m1(test::collapse_ring(8, 2.0, 0.1, 1, 0.25), process), m2(target, process);
  const std::vector<const Score*> models = {&m1, &m2};
  const RngKey init{5, Stream::Init}, noise{5, Stream::Forward};
  for (const EnsembleSpec spec : {EnsembleSpec{100, 32}, EnsembleSpec{100, 32, 32, 64}}) {
    const auto a = run_taep(process, grid, ts, models, spec, test::init_at(target, process, grid.t_min(), init),
                            PhiloxNoise(noise));
    const auto b = run_taep_fused(platform("cpu"), process, grid, ts, models, spec, init, noise);
    // The cpu platform's ensemble is the blocks: run_taep's numbers exactly, with nothing to say.
    const InitFn start = test::init_at(target, process, grid.t_min(), init);
    const TaepOptions ito;
    const TaepJob job{process, grid, ts, models, start, init, noise, ito};
    EXPECT_EQ(platform("cpu").taep_ensemble_how(job), "");
    EXPECT_FALSE(platform("cpu").cloning_ensemble());
    const auto c = platform("cpu").taep_ensemble(job, spec);
    for (size_t m = 0; m < models.size(); ++m) EXPECT_EQ(c[m].sigma, a[m].sigma);
    const auto [lo, hi] = ensemble_range(spec);
    double worst = 0;
    for (size_t m = 0; m < models.size(); ++m)
      for (int64_t i = lo; i < hi; ++i)
        for (auto f : {&TaepTrajectories::sigma, &TaepTrajectories::kernel, &TaepTrajectories::noise,
                       &TaepTrajectories::sigma_coarse, &TaepTrajectories::exact})
          worst = std::max(worst, std::abs((a[m].*f)[size_t(i)] - (b[m].*f)[size_t(i)]) / std::max(1.0, std::abs((a[m].*f)[size_t(i)])));
    std::printf("  ids [%lld, %lld): largest relative difference %.2e; model 1 (the exact score) sigma[lo] = %.1e\n",
                (long long)lo, (long long)hi, worst, b[1].sigma[size_t(lo)]);
    EXPECT_LE(worst, 1e-12);
    EXPECT_NEAR(b[1].sigma[size_t(lo)], 0.0, 1e-12);  // the exact score: zero on every path
  }
  // What the fused kernel does not compute is declined by name.
  const PerturbedScore perturbed(std::make_shared<MixtureScore>(target, process), PerturbKind::Scale, 0.1);
  EXPECT_NE(fused_taep_unsupported(ts, {&perturbed}, {}).find("not an exact mixture score"), std::string::npos);
  TaepOptions midpoint;
  midpoint.product = NoiseProduct::Midpoint;
  EXPECT_NE(fused_taep_unsupported(ts, models, midpoint).find("midpoint"), std::string::npos);
  EXPECT_EQ(fused_taep_unsupported(ts, models, {}), "");
}

}  // namespace td
