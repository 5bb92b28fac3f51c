// Benchmark: whole TAEP trajectories on a platform's fused kernel (sim/fused_taep.hpp; on the GPU
// what device = "cuda" runs) against the CPU block path (run_taep) and PyTorch eager in float64 on the
// same device (bench/taep_ring_torch.py), in one invocation: K = 8 ring, d = 2, VP, an exact collapse
// model against the exact target (two exact scores), 1000 steps. Trajectory-steps per second and their
// ratios, and the agreement of the fused values with the block path's on the trajectories both ran.
//
//   build/bench_taep_fused [--platform cuda|cpu] [--trajectories N] [--steps S] [--cpu-trajectories M]
//                          [--torch-trajectories P] [--python PY]
//
// Defaults: the GPU when there is one (N = 10^7, P = 10^6), else the CPU platform (N = 2 x 10^4,
// P = 2 x 10^4). Exit 1 if the fused values leave 1e-12 relative of the block path's.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_python.hpp"
#include "core/stats.hpp"
#include "observe/sm_objective.hpp"
#include "observe/taep.hpp"
#include "platform/cuda/cuda_platform.hpp"
#include "platform/platform.hpp"
#include "score/mixture_score.hpp"
#include "sim/fused_taep_setup.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const bool gpu = cuda_platform() != nullptr;
  std::string which = gpu ? "cuda" : "cpu", python;
  long long n = gpu ? 10000000 : 20000, n_cpu = 20000, n_torch = gpu ? 1000000 : 20000;
  int steps = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--platform") which = v;
    else if (k == "--trajectories") n = std::atoll(v.c_str());
    else if (k == "--steps") steps = std::atoi(v.c_str());
    else if (k == "--cpu-trajectories") n_cpu = std::atoll(v.c_str());
    else if (k == "--torch-trajectories") n_torch = std::atoll(v.c_str());
    else if (k == "--python") python = v;
    else return std::fprintf(stderr, "unknown option %s\n", k.c_str()), 2;
  }
  const Platform& pf = platform(which);
  const Process process{default_process(ProcessKind::VP)};
  const TimeGrid grid(process.t_min(), process.T(), steps);
  const GaussianMixture target = ring_mixture(8, 2.0, 0.1);
  GaussianMixture model = target;
  model.weights = collapse_weights(8, 1, 0.25);
  const RngKey init{1, Stream::Init}, noise{1, Stream::Forward};

  // The fused kernel on the platform.
  const FusedTaepSetup setup(process, grid, target, {model}, init, noise);
  FusedTaepResults fused;
  fused.resize(1, int(n));
  auto t0 = Clock::now();
  pf.taep_mixture(setup.problem(), 0, int(n), fused.out());
  const double s_fused = std::chrono::duration<double>(Clock::now() - t0).count();
  Moments sig;
  for (long long i = 0; i < n; ++i) sig.add(fused.kernel[size_t(i)] + fused.noise[size_t(i)]);

  // The CPU block path on its own number of trajectories (OpenMP over every core).
  const MixtureScore ts(target, process), ms(model, process);
  const MarginalSampler sampler = mixture_marginal_sampler(target, process, init);
  t0 = Clock::now();
  const auto block = run_taep(process, grid, ts, {&ms}, {n_cpu, 256},
                              [&](const uint64_t* ids, int k, Mat& X) { sampler(grid.t_min(), ids, k, 0, X); },
                              PhiloxNoise(noise))[0];
  const double s_cpu = std::chrono::duration<double>(Clock::now() - t0).count();
  double worst = 0;
  for (long long i = 0; i < std::min(n, n_cpu); ++i) {
    const double a = block.sigma[size_t(i)], b = fused.kernel[size_t(i)] + fused.noise[size_t(i)];
    worst = std::max(worst, std::abs(a - b) / std::max(1.0, std::abs(a)));
  }

  // PyTorch eager, float64, on the same device.
  if (python.empty()) python = python_with_torch();
  nlohmann::json torch;
  try {
    torch = run_python(fmt::format("{} {}/bench/taep_ring_torch.py --trajectories {} --steps {} --device {}", python,
                                   THERMODIFF_SOURCE_DIR, n_torch, steps, which));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "PyTorch baseline not run: %s\n", e.what());
  }
  const double work = double(n) * steps, r_fused = work / s_fused, r_cpu = double(n_cpu) * steps / s_cpu;
  const double r_torch = torch.is_object() ? torch["trajectory_steps_per_s"].get<double>() : NAN;
  std::printf("device: %s\n", which == "cuda" ? cuda_status().device.c_str() : "CPU (the fused kernel on the cpu platform)");
  std::printf("%-44s %14s %14s\n", "path", "traj-steps/s", "seconds");
  std::printf("%-44s %14.3e %14.3f\n", fmt::format("fused kernel on {} ({} traj)", which, n).c_str(), r_fused, s_fused);
  std::printf("%-44s %14.3e %14.3f\n", fmt::format("CPU block path run_taep ({} traj)", n_cpu).c_str(), r_cpu, s_cpu);
  std::printf("%-44s %14.3e %14s\n", fmt::format("PyTorch eager float64 on {} ({} traj)", which, n_torch).c_str(), r_torch,
              torch.is_object() ? fmt::format("{:.3f}", torch["seconds"].get<double>()).c_str() : "-");
  std::printf("fused / CPU block path: %.3gx; fused / PyTorch: %.3gx\n", r_fused / r_cpu, r_fused / r_torch);
  std::printf("<Sigma> = %.5f +- %.5f nats; fused vs block path on %lld trajectories: largest relative difference %.1e\n",
              sig.mean(), sig.mean_se(), std::min(n, n_cpu), worst);
  nlohmann::json j = {{"platform", which}, {"device", which == "cuda" ? cuda_status().device : "cpu"}, {"trajectories", n},
                      {"steps", steps}, {"fused_traj_steps_per_s", r_fused}, {"cpu_block_traj_steps_per_s", r_cpu},
                      {"torch_traj_steps_per_s", r_torch}, {"sigma_mean", sig.mean()}, {"sigma_se", sig.mean_se()},
                      {"max_rel_diff_vs_block", worst}};
  std::printf("%s\n", j.dump().c_str());
  return worst <= 1e-12 ? 0 : 1;
}
