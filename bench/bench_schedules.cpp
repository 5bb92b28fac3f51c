// Benchmark of the schedules experiment's evaluation (issue 32; docs/schedules.md#s6.5): the cost
// of one schedule evaluated, and what sampling all schedules of one (N, sampler) together saves
// against sampling each alone (the same samples: sample_schedules is tested to give the same numbers
// either way). Two models on an 8-D, 4-mode ring under VP: its exact mixture score and an MLP 3 x 128
// (random weights: the cost does not depend on them). Six schedules, N = 10, Heun (19 passes), 2000
// samples each; every variant runs twice after a warm-up and the faster run counts.
//
//   build/bench_schedules [--threads T] [--samples N] [--levels N]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "data/mixture.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "bench_timing.hpp"
#include "observe/model_schedules.hpp"
#include "process/schedules.hpp"
#include "score/mixture_score.hpp"
#include "sim/edm_samplers.hpp"
#include "train/dsm_train.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int threads = omp_get_max_threads(), samples = 2000, n = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--threads") threads = std::stoi(v);
    else if (k == "--samples") samples = std::stoi(v);
    else if (k == "--levels") n = std::stoi(v);
    else { std::fprintf(stderr, "bench_schedules: unknown option %s\n", k.c_str()); return 2; }
  }
  omp_set_num_threads(threads);
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture ring = ring_mixture(4, 2.0, 0.3, 8);
  const MixtureScore exact(ring, p);
  MlpSpec spec;
  spec.d = 8;
  const NetworkScore mlp(std::make_shared<MlpNet>(init_mlp(spec, 1)), p, Prediction::Eps);
  nlohmann::json out = {{"threads", threads}, {"samples", samples}, {"levels", n}, {"models", nlohmann::json::array()}};
  std::printf("%-6s %-12s %10s %10s %8s %14s\n", "model", "stage", "together", "each", "ratio", "per schedule");
  for (const auto& [name, score] : {std::pair<const char*, const Score*>{"exact", &exact}, {"mlp", &mlp}}) {
    ModelSchedules maker(p, *score, mixture_data(ring, {1, Stream::Data}), ring, {}, 1);
    std::vector<std::vector<double>> levels;
    for (const std::string& k : ModelSchedules::kinds()) {
      if (k == "discrete") continue;  // no discrete training here
      std::vector<double> s;
      for (double t : maker.times(k, n)) s.push_back(p.sigma_tilde(t));
      levels.push_back(s);
    }
    const double together = best_of_two([&] { (void)sample_schedules(maker.view(), levels, EdmSampler::Heun, samples, 1); });
    const double each = best_of_two([&] {
      for (const auto& l : levels) (void)sample_schedules(maker.view(), {l}, EdmSampler::Heun, samples, 1);
    });
    const double per = together / double(levels.size());
    std::printf("%-6s %-12s %9.3fs %9.3fs %7.2fx %12.1f ms\n", name, "heun N", together, each, each / together, 1e3 * per);
    out["models"].push_back({{"model", name}, {"together_s", together}, {"each_s", each}, {"ratio", each / together},
                             {"per_schedule_ms", 1e3 * per}, {"schedules", levels.size()},
                             {"passes_per_sample", edm_sampler_passes(EdmSampler::Heun, n)}});
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
