// Benchmark: the backward integral fluctuation theorem of Yu & Huang at their settings (two
// Gaussians N(+-1, 1) in 1-D, OU, dt = 0.01, 1000 steps, reverse Euler-Maruyama from p_T, Stratonovich
// midpoint medium entropy) in thermodiff (`reverse_trajectory_entropy`, exact mixture score) and in
// the vectorized numpy baseline bench/ift_numpy.py, in one invocation: wall times at 10^4
// trajectories (best of 3 for thermodiff after a warm-up; numpy once), their ratio, the rate of the
// same script's per-trajectory Python loop (the style of the paper's published code) on a subset,
// and thermodiff's time at 10^6 trajectories.
//
//   build/bench_ift [--trajectories N] [--large N] [--loop-trajectories N] [--threads T] [--no-numpy]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_python.hpp"
#include "observe/trajectory_entropy.hpp"
#include "score/mixture_score.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int64_t n = 10000, large = 1000000, loop = 500;
  int threads = omp_get_max_threads();
  bool numpy = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-numpy") { numpy = false; continue; }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_ift: %s needs a value\n", k.c_str()); return 2; }
    const std::string v = argv[++i];
    if (k == "--trajectories") n = std::stoll(v);
    else if (k == "--large") large = std::stoll(v);
    else if (k == "--loop-trajectories") loop = std::stoll(v);
    else if (k == "--threads") threads = std::stoi(v);
    else { std::fprintf(stderr, "bench_ift: unknown option %s\n", k.c_str()); return 2; }
  }
  if (n < 1 || large < 0 || threads < 1) { std::fprintf(stderr, "bench_ift: need trajectories >= 1, large >= 0, threads >= 1\n"); return 2; }
  omp_set_num_threads(threads);
  const GaussianMixture g = symmetric_pair(1, 1.0, 1.0);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = 0;
  pp.T = 10;
  const Process p(pp);
  const MixtureScore score(g, p);
  const TimeGrid grid{0.0, 10.0, 1000};
  auto run = [&](int64_t m) {
    TrajectoryEntropyOptions o;
    o.trajectories = m;
    o.keep = false;
    const auto t0 = Clock::now();
    const TrajectoryEntropy r = reverse_trajectory_entropy(g, p, score, grid, o);
    return std::make_pair(std::chrono::duration<double>(Clock::now() - t0).count(), r);
  };
  run(std::min<int64_t>(n, 1000));  // warm-up
  double best = 1e300;
  TrajectoryEntropy r;
  for (int rep = 0; rep < 3; ++rep) {
    auto [s, res] = run(n);
    if (s < best) best = s, r = res;
  }
  nlohmann::json j = {{"benchmark", "ift"}, {"trajectories", n}, {"steps", 1000}, {"threads", threads},
                      {"thermodiff_seconds", best}, {"thermodiff_ift", r.ift.mean()}, {"thermodiff_ift_se", r.ift.mean_se()},
                      {"thermodiff_trajectory_steps_per_s", double(n) * 1000 / best}};
  std::printf("thermodiff: %lld trajectories in %.4f s (%.3g trajectory-steps/s), <e^-dS_tot> = %.4f +- %.4f\n",
              (long long)n, best, double(n) * 1000 / best, r.ift.mean(), r.ift.mean_se());
  if (numpy) {
    const nlohmann::json nj = run_python(fmt::format("OMP_NUM_THREADS={} /usr/bin/python3 {}/bench/ift_numpy.py --trajectories {}",
                                                     threads, THERMODIFF_SOURCE_DIR, n));
    const double ns = nj["seconds"].get<double>();
    j["numpy_seconds"] = ns;
    j["numpy_ift"] = nj["ift"];
    j["ratio"] = ns / best;
    std::printf("numpy:      %.4f s, <e^-dS_tot> = %.4f +- %.4f\nratio (numpy / thermodiff): %.1fx\n", ns,
                nj["ift"].get<double>(), nj["ift_se"].get<double>(), ns / best);
    if (loop > 0) {
      const nlohmann::json lj = run_python(fmt::format("/usr/bin/python3 {}/bench/ift_numpy.py --loop --trajectories {}",
                                                       THERMODIFF_SOURCE_DIR, loop));
      const double rate = lj["trajectory_steps_per_s"].get<double>(), ours = double(n) * 1000 / best;
      j["loop_trajectories"] = loop;
      j["loop_trajectory_steps_per_s"] = rate;
      j["loop_ratio"] = ours / rate;
      std::printf("Python loop: %.3g trajectory-steps/s (%lld trajectories), ratio %.0fx\n", rate, (long long)loop, ours / rate);
    }
  }
  if (large > 0) {
    const auto [s, rl] = run(large);
    j["large_trajectories"] = large;
    j["large_seconds"] = s;
    j["large_ift"] = rl.ift.mean();
    j["large_ift_se"] = rl.ift.mean_se();
    std::printf("thermodiff: %lld trajectories in %.2f s, <e^-dS_tot> = %.5f +- %.5f\n", (long long)large, s,
                rl.ift.mean(), rl.ift.mean_se());
  }
  std::printf("%s\n", j.dump().c_str());
  return 0;
}
