// Benchmarks of issue 3, each against the same computation written in PyTorch/Python (Debian
// python3-torch under /usr/bin/python3), run by this process, side by side:
//
//  1. DSM training steps per second: train_dsm (LibTorch from C++) against bench/train_torch.py
//     (same MLP, batch, width, optimizer, clipping, EMA, lr schedule, threads).
//  2. TAEP of the MLP with its exact divergence: run_taep with the MLP evaluated in float with
//     forward-mode tangents (nn/mlp.cpp) against bench/taep_torch.py (one batch, autograd).
//
//   build/bench_network [--only train|taep] [--threads T] [--batch B] [--width W]
//                       [--train-steps N] [--trajectories N] [--taep-steps S] [--torch-taep-steps S2]
//
// Each side runs twice, alternating, after a warm-up; the faster run is reported (the machines are
// shared: a neighbour only ever slows a run down). Prints a table and one JSON line.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "core/rng.hpp"
#include "data/mixture.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "observe/taep.hpp"
#include "score/mixture_score.hpp"
#include "train/dsm_train.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

static json run_python(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run " + cmd);
  char buf[4096];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
  if (pclose(f) != 0) throw std::runtime_error("PyTorch baseline failed: " + cmd + "\n" + out);
  return json::parse(out.substr(out.rfind('{')));
}

int main(int argc, char** argv) {
  std::string only;
  int threads = omp_get_max_threads(), batch = 256, width = 128, taep_steps = 100, torch_taep_steps = 20, block = 256;
  int64_t train_steps = 1000, trajectories = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--only") only = v;
    else if (k == "--threads") threads = std::stoi(v);
    else if (k == "--batch") batch = std::stoi(v);
    else if (k == "--width") width = std::stoi(v);
    else if (k == "--block") block = std::stoi(v);
    else if (k == "--train-steps") train_steps = std::stoll(v);
    else if (k == "--trajectories") trajectories = std::stoll(v);
    else if (k == "--taep-steps") taep_steps = std::stoi(v);
    else if (k == "--torch-taep-steps") torch_taep_steps = std::stoi(v);
    else { std::cerr << "bench_network: unknown option " << k << "\n"; return 2; }
  }
  if (threads < 1 || batch < 1 || width < 1 || train_steps < 1 || trajectories < 8 || taep_steps < 1 ||
      torch_taep_steps < 1 || (!only.empty() && only != "train" && only != "taep")) {
    std::cerr << "bench_network: options must be positive; --only takes train or taep\n";
    return 2;
  }
  omp_set_num_threads(threads);
  const std::string py = fmt::format("OMP_NUM_THREADS={0} /usr/bin/python3 {1}/bench/", threads, THERMODIFF_SOURCE_DIR);
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture ring = ring_mixture(8, 2.0, 0.1);
  MlpSpec spec;
  spec.d = 2;
  spec.width = width;
  json j = {{"benchmark", "network"}, {"threads", threads}, {"width", width}, {"hidden", spec.hidden}};

  if (only.empty() || only == "train") {
    const DataFn data = [&](const uint64_t* ids, int n, Mat& X) { sample_mixture(ring, {1, Stream::Train}, ids, n, 2, X); };
    auto ours = [&](int64_t steps) {
      TrainSpec ts;
      ts.steps = steps;
      ts.batch = batch;
      ts.lr = 1e-2;
      ts.decay = "cosine";
      ts.threads = threads;
      ts.progress = false;
      const auto t0 = Clock::now();  // includes building the model and optimizer: conservative
      train_dsm(spec, p, data, ts);
      return double(steps) / std::chrono::duration<double>(Clock::now() - t0).count();
    };
    const std::string cmd = py + fmt::format("train_torch.py --steps {} --batch {} --width {} --threads {}",
                                             train_steps, batch, width, threads);
    ours(std::max<int64_t>(train_steps / 10, 10));  // warm-up
    double best_ours = 0, best_torch = 0;
    for (int rep = 0; rep < 2; ++rep) {
      best_ours = std::max(best_ours, ours(train_steps));
      best_torch = std::max(best_torch, run_python(cmd)["steps_per_s"].get<double>());
    }
    std::cout << fmt::format("DSM training, MLP 3x{} (d = 2), batch {}, {} steps, {} threads\n", width, batch,
                             train_steps, threads);
    std::cout << fmt::format("  PyTorch/Python : {:8.1f} steps/s\n  thermodiff     : {:8.1f} steps/s   {:.2f}x\n",
                             best_torch, best_ours, best_ours / best_torch);
    j["train"] = {{"batch", batch}, {"steps", train_steps}, {"torch_steps_per_s", best_torch},
                  {"thermodiff_steps_per_s", best_ours}, {"ratio", best_ours / best_torch}};
  }

  if (only.empty() || only == "taep") {
    const auto net = std::make_shared<MlpNet>(init_mlp(spec, 1));
    const NetworkScore model(net, p, Prediction::Eps);
    const MixtureScore target(ring, p);
    // The same dt as a 1000-step grid over [t_min, T]; only the first taep_steps steps are run.
    const double dt = (p.T() - p.t_min()) / 1000;
    const TimeGrid grid{p.t_min(), p.t_min() + taep_steps * dt, taep_steps};
    const InitFn init = [&](const uint64_t* ids, int n, Mat& X) {
      sample_mixture(ring.marginal(p.alpha(p.t_min()), p.sigma2(p.t_min())), {1, Stream::Init}, ids, n, 0, X);
    };
    auto ours = [&](int64_t n) {
      const auto t0 = Clock::now();
      run_taep(p, grid, target, {&model}, {n, block}, init, PhiloxNoise({1, Stream::Forward}));
      return double(n) * taep_steps / std::chrono::duration<double>(Clock::now() - t0).count();
    };
    const std::string cmd = py + fmt::format("taep_torch.py --trajectories {} --run-steps {} --width {} --threads {}",
                                             trajectories, torch_taep_steps, width, threads);
    ours(std::max<int64_t>(trajectories / 10, 8));  // warm-up
    double best_ours = 0, best_torch = 0;
    for (int rep = 0; rep < 2; ++rep) {
      best_ours = std::max(best_ours, ours(trajectories));
      best_torch = std::max(best_torch, run_python(cmd)["trajectory_steps_per_s"].get<double>());
    }
    std::cout << fmt::format("TAEP of the MLP 3x{} with exact divergence against a K = 8 ring, {} trajectories, "
                             "dt = 1/1000 ({} thermodiff steps, {} PyTorch steps), {} threads\n",
                             width, trajectories, taep_steps, torch_taep_steps, threads);
    std::cout << fmt::format("  PyTorch autograd : {:10.3e} trajectory-steps/s\n  thermodiff       : {:10.3e} "
                             "trajectory-steps/s   {:.1f}x\n", best_torch, best_ours, best_ours / best_torch);
    j["taep"] = {{"trajectories", trajectories}, {"thermodiff_steps", taep_steps}, {"torch_steps", torch_taep_steps},
                 {"torch_traj_steps_per_s", best_torch}, {"thermodiff_traj_steps_per_s", best_ours},
                 {"ratio", best_ours / best_torch}};
  }
  std::cout << j.dump() << "\n";
  return 0;
}
