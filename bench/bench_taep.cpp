// Benchmark: the TAEP ensemble (K = 8 ring, d = 2, exact target + one exact collapse model, VP,
// 10^5 trajectories x 1000 steps) in thermodiff and in the numpy baseline (bench/taep_numpy.py) in
// one invocation; trajectory-steps per second, their ratio, and the fraction of the machine's peak
// double-precision FMA rate (measured in the same run) that the kernel reaches.
//
//   build/bench_taep [--trajectories N] [--steps S] [--numpy-steps S2] [--threads T]
//
// numpy runs the same grid (dt = 1/steps) for only S2 steps (default 40) because it is slow; a rate
// is a rate. Results go to stdout as a table and one JSON line.
#include <immintrin.h>
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "core/rng.hpp"
#include "observe/taep.hpp"
#include "score/mixture_score.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

// Peak double-precision FLOP/s: every thread runs 12 independent FMA chains (enough to cover the
// FMA latency on current x86 cores) on the widest vectors the build targets.
static double fma_peak(int threads, double seconds_target = 0.5) {
  const long iters = 20000000;
  double total_flops = 0, secs = 0;
  while (secs < seconds_target) {
    const auto t0 = Clock::now();
    double sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
#if defined(__AVX512F__)
      __m512d acc[12], m = _mm512_set1_pd(0.999999), c = _mm512_set1_pd(1e-7);
      for (int k = 0; k < 12; ++k) acc[k] = _mm512_set1_pd(1.0 + k);
      for (long i = 0; i < iters / 8; ++i)
        for (int k = 0; k < 12; ++k) acc[k] = _mm512_fmadd_pd(acc[k], m, c);
      for (int k = 0; k < 12; ++k) sink += _mm512_reduce_add_pd(acc[k]);
      constexpr int lanes = 8;
#else
      __m256d acc[12], m = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-7);
      for (int k = 0; k < 12; ++k) acc[k] = _mm256_set1_pd(1.0 + k);
      for (long i = 0; i < iters / 8; ++i)
        for (int k = 0; k < 12; ++k) acc[k] = _mm256_fmadd_pd(acc[k], m, c);
      double tmp[4];
      for (int k = 0; k < 12; ++k) {
        _mm256_storeu_pd(tmp, acc[k]);
        sink += tmp[0] + tmp[1] + tmp[2] + tmp[3];
      }
      constexpr int lanes = 4;
#endif
      (void)lanes;
    }
    secs += std::chrono::duration<double>(Clock::now() - t0).count();
#if defined(__AVX512F__)
    total_flops += double(threads) * (iters / 8) * 12 * 8 * 2;
#else
    total_flops += double(threads) * (iters / 8) * 12 * 4 * 2;
#endif
    if (sink == 42.0) std::cout << "";  // keep the loop alive
  }
  return total_flops / secs;
}

// Floating-point operations per trajectory-step of the kernel, counted from the code (transcendental
// functions not counted as flops; listed separately). Per exact mixture evaluation (score and
// divergence, K components, d coordinates): logits 4Kd, max K, exp-shift and sum 2K, normalize K+1,
// score/|s_k|^2 6Kd, divergence 3K, |s|^2 2d. TAEP accumulation ~25, Euler-Maruyama 3d.
static double flops_per_traj_step(int K, int d, int mixtures) {
  const double per_mix = 4.0 * K * d + K + 2.0 * K + K + 1 + 6.0 * K * d + 3.0 * K + 2.0 * d;
  return mixtures * per_mix + 25 + 3.0 * d;
}

int main(int argc, char** argv) {
  int64_t n = 100000;
  int steps = 1000, numpy_steps = 40, threads = omp_get_max_threads(), block = 256;
  std::string python = "/usr/bin/python3", script = std::string(THERMODIFF_SOURCE_DIR) + "/bench/taep_numpy.py";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--trajectories") n = std::atoll(argv[i + 1]);
    else if (k == "--steps") steps = std::atoi(argv[i + 1]);
    else if (k == "--numpy-steps") numpy_steps = std::atoi(argv[i + 1]);
    else if (k == "--threads") threads = std::atoi(argv[i + 1]);
    else if (k == "--block") block = std::atoi(argv[i + 1]);
    else { std::cerr << "unknown option " << k << "\n"; return 2; }
  }
  omp_set_num_threads(threads);

  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture target = ring_mixture(8, 2.0, 0.1);
  GaussianMixture model = target;
  model.weights = collapse_weights(8, 1, 0.25);
  const MixtureScore ts(target, p), ms(model, p);
  const TimeGrid grid{p.t_min(), p.T(), steps};
  const InitFn init = [&](const uint64_t* ids, int m, Mat& X) {
    sample_mixture(target.marginal(p.alpha(p.t_min()), p.sigma2(p.t_min())), {1, Stream::Init}, ids, m, 0, X);
  };

  // thermodiff
  auto t0 = Clock::now();
  const auto tr = run_taep(p, grid, ts, {&ms}, {n, block}, init, PhiloxNoise({1, Stream::Forward}));
  const double td_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const TaepSummary s = summarize_taep(tr[0]);
  const double td_rate = double(n) * steps / td_s;

  // numpy, same invocation
  const std::string cmd = fmt::format("OMP_NUM_THREADS={0} OPENBLAS_NUM_THREADS={0} {1} {2} --trajectories {3} "
                                      "--steps {4} --run-steps {5}", threads, python, script, n, steps, numpy_steps);
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
    if (pclose(f) != 0) { std::cerr << "numpy baseline failed: " << cmd << "\n" << out; return 1; }
  }
  const nlohmann::json np = nlohmann::json::parse(out);
  const double np_rate = np["trajectory_steps_per_s"].get<double>();

  const double peak = fma_peak(threads);
  const double fl = flops_per_traj_step(8, 2, 2);
  const double achieved = td_rate * fl;
  nlohmann::json j = {{"benchmark", "taep_ensemble"}, {"trajectories", n}, {"steps", steps}, {"threads", threads},
                      {"thermodiff_seconds", td_s}, {"thermodiff_traj_steps_per_s", td_rate},
                      {"numpy_steps_run", numpy_steps}, {"numpy_seconds", np["seconds"]},
                      {"numpy_traj_steps_per_s", np_rate}, {"speedup_vs_numpy", td_rate / np_rate},
                      {"flops_per_traj_step", fl}, {"achieved_gflops", achieved / 1e9}, {"peak_fma_gflops", peak / 1e9},
                      {"fraction_of_peak", achieved / peak}, {"thermodiff_taep_mean", s.mean},
                      {"thermodiff_taep_mean_se", s.mean_se}, {"thermodiff_taep_var", s.var}};
  std::cout << fmt::format("TAEP ensemble, K = 8 ring, d = 2, two exact scores, {} trajectories, dt = 1/{} ({} threads)\n",
                           n, steps, threads);
  std::cout << fmt::format("  thermodiff : {:>10.3e} trajectory-steps/s  ({} steps in {:.2f} s; <Sigma> = {:.4f} +- {:.4f})\n",
                           td_rate, steps, td_s, s.mean, s.mean_se);
  std::cout << fmt::format("  numpy      : {:>10.3e} trajectory-steps/s  ({} steps in {:.2f} s)\n", np_rate, numpy_steps,
                           np["seconds"].get<double>());
  std::cout << fmt::format("  ratio      : {:.1f}x\n", td_rate / np_rate);
  std::cout << fmt::format("  flops      : {:.0f} per trajectory-step (+ 16 exp, 1 log, 1 sincos, 1 sqrt) -> {:.2f} GFLOP/s "
                           "= {:.1f}% of the measured FMA peak {:.1f} GFLOP/s\n",
                           fl, achieved / 1e9, 100 * achieved / peak, peak / 1e9);
  std::cout << j.dump() << "\n";
  return 0;
}
