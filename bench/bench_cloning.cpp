// Benchmark: Biroli et al.'s cloning experiment (two Gaussians N(+-1, I), d = 1024, OU on
// [0.01, 10], 10^4 samples, 1000 Euler-Maruyama steps, one branch time) in thermodiff and in the
// PyTorch baseline (bench/cloning_torch.py, Debian python3-torch, same threads), one invocation.
// Reports both wall times, their ratio, both phi (equal within SE: the same experiment), and the
// peak resident memory of thermodiff at steps/4 and at steps (memory must not grow with steps).
//
//   build/bench_cloning [--d D] [--samples N] [--steps S] [--branch T] [--threads T] [--no-torch]
//                       [--platform cpu|cuda]
//
// --platform runs every sample as one fused sample (sim/fused_cloning.hpp) on that platform (cuda:
// the GPU, PyTorch then on the same card) instead of the CPU block path.
#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_python.hpp"
#include "observe/speciation.hpp"
#include "platform/platform.hpp"
#include "score/mixture_score.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

static double max_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

int main(int argc, char** argv) {
  int d = 1024, samples = 10000, steps = 1000, threads = omp_get_max_threads();
  double branch = 3.5, t_min = 0.01, T = 10.0;
  bool torch = true;
  std::string fused;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-torch") { torch = false; continue; }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_cloning: %s needs a value\n", k.c_str()); return 2; }
    const std::string v = argv[++i];
    if (k == "--d") d = std::stoi(v);
    else if (k == "--samples") samples = std::stoi(v);
    else if (k == "--steps") steps = std::stoi(v);
    else if (k == "--branch") branch = std::stod(v);
    else if (k == "--threads") threads = std::stoi(v);
    else if (k == "--platform") fused = v;
    else { std::fprintf(stderr, "bench_cloning: unknown option %s\n", k.c_str()); return 2; }
  }
  if (d < 1 || samples < 8 || steps < 4 || threads < 1 || !(branch > t_min && branch < T)) {
    std::fprintf(stderr, "bench_cloning: need d >= 1, samples >= 8, steps >= 4, threads >= 1, branch in (%g, %g)\n", t_min, T);
    return 2;
  }
  omp_set_num_threads(threads);
  const GaussianMixture g = symmetric_pair(d);
  ProcessParams pp = default_process(ProcessKind::OU);
  pp.t_min = t_min;
  pp.T = T;
  const Process p(pp);
  const MixtureScore score(g, p);
  auto run = [&](int n_steps) {
    CloningOptions o;
    o.samples = samples;
    o.branch_times = {branch};
    o.seed = 1;
    if (!fused.empty())
      o.fused = [&](const FusedCloningProblem& q, uint64_t first, int n, unsigned char* same) {
        platform(fused).cloning(q, first, n, same);
      };
    const auto t0 = Clock::now();
    const CloningResult r = cloning_probability(g, p, score, {t_min, T, n_steps}, o);
    return std::make_pair(std::chrono::duration<double>(Clock::now() - t0).count(), r);
  };
  const double rss0 = max_rss_mb();
  const auto quarter = run(steps / 4);
  const double rss_quarter = max_rss_mb();
  const auto full = run(steps);
  const double rss_full = max_rss_mb();
  // The Monte Carlo theory is part of cloning_probability's result but not of the experiment loop
  // the baseline runs; time it separately to subtract (it is 10^4 exact samples, milliseconds).
  json j = {{"benchmark", "cloning"}, {"path", fused.empty() ? "cpu block path" : "fused on " + fused}, {"d", d}, {"samples", samples}, {"steps", steps}, {"branch", full.second.t[0]},
            {"threads", threads}, {"thermodiff_seconds", full.first}, {"thermodiff_phi", full.second.phi[0]},
            {"thermodiff_phi_se", full.second.phi_se[0]}, {"theory_phi", full.second.theory[0]},
            {"rss_mb_before", rss0}, {"rss_mb_after_quarter_steps", rss_quarter}, {"rss_mb_after_full_steps", rss_full}};
  std::printf("thermodiff: %.2f s (%d steps), phi = %.4f +- %.4f (theory %.4f); peak RSS %.0f MB after %d steps, %.0f MB after %d\n",
              full.first, steps, full.second.phi[0], full.second.phi_se[0], full.second.theory[0], rss_quarter, steps / 4,
              rss_full, steps);
  if (torch) {
    const std::string cmd = fmt::format(
        "OMP_NUM_THREADS={0} {8} {1}/bench/cloning_torch.py --d {2} --samples {3} --steps {4} --branch {5} "
        "--threads {0} --t-min {6} --T {7} --device {9}",
        threads, THERMODIFF_SOURCE_DIR, d, samples, steps, branch, t_min, T, python_with_torch(),
        fused == "cuda" ? "cuda" : "cpu");
    const json tj = run_python(cmd);
    const double ts = tj["seconds"].get<double>();
    j["torch_seconds"] = ts;
    j["torch_phi"] = tj["phi"];
    j["torch_max_rss_mb"] = tj["max_rss_mb"];
    j["ratio"] = ts / full.first;
    std::printf("PyTorch:    %.2f s, phi = %.4f, peak RSS %.0f MB\nratio (PyTorch / thermodiff): %.1fx\n", ts,
                tj["phi"].get<double>(), tj["max_rss_mb"].get<double>(), ts / full.first);
  }
  std::printf("%s\n", j.dump().c_str());
  return 0;
}
