// Benchmarks of issue 3, each against the same computation written in PyTorch/Python (Debian
// python3-torch under /usr/bin/python3), run by this process, side by side:
//
//  1. DSM training steps per second: train_dsm (LibTorch from C++) against bench/train_torch.py
//     (same MLP, batch, width, optimizer, clipping, EMA, lr schedule, threads).
//  2. TAEP of the MLP with its exact divergence: run_taep with the MLP evaluated in float with
//     forward-mode tangents (nn/mlp.cpp) against bench/taep_torch.py (one batch, autograd).
//  3. NLL by the PF-ODE (issue 4) under an MLP trained here for a few steps (VE, sigma 25,
//     t_min 1e-4): issue 3's 3x128 network on the 8-mode ring (d = 2) and the sigma sweep's 3x256
//     network on 8x8 uniform 8-bit images (d = 64). pf_ode_nll (Dormand-Prince with per-sample step
//     control, Hutchinson with one fixed probe) against bench/nll_scipy.py (score_sde-style: the
//     batch as one scipy solve_ivp RK45 system, PyTorch network, one VJP per evaluation), same
//     weights, samples, rtol and atol. Samples per second.
//
//   build/bench_network [--only train|taep|nll] [--threads T] [--batch B] [--width W]
//                       [--train-steps N] [--trajectories N] [--taep-steps S] [--torch-taep-steps S2]
//                       [--nll-samples N] [--nll-train-steps N]
//
// Each side runs twice, alternating, after a warm-up; the faster run is reported (the machines are
// shared: a neighbour only ever slows a run down). Prints a table and one JSON line.
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include <cstdlib>
#include <fstream>

#include "core/rng.hpp"
#include "data/image_data.hpp"
#include "observe/likelihood.hpp"
#include "data/mixture.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/torchscript_net.hpp"
#include "bench_python.hpp"
#include "mlp_files.hpp"
#include "observe/taep.hpp"
#include "score/mixture_score.hpp"
#include "train/dsm_train.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

int main(int argc, char** argv) {
  std::string only;
  int threads = omp_get_max_threads(), batch = 256, width = 128, taep_steps = 100, torch_taep_steps = 20, block = 256;
  int64_t train_steps = 1000, trajectories = 20000, nll_samples = 256, nll_train_steps = 1000;
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
    else if (k == "--nll-samples") nll_samples = std::stoll(v);
    else if (k == "--nll-train-steps") nll_train_steps = std::stoll(v);
    else { std::cerr << "bench_network: unknown option " << k << "\n"; return 2; }
  }
  if (threads < 1 || batch < 1 || width < 1 || train_steps < 1 || trajectories < 8 || taep_steps < 1 ||
      torch_taep_steps < 1 || nll_samples < 2 || nll_train_steps < 1 ||
      (!only.empty() && only != "train" && only != "taep" && only != "nll")) {
    std::cerr << "bench_network: options must be positive; --only takes train, taep or nll\n";
    return 2;
  }
  omp_set_num_threads(threads);
  set_torch_threads(threads);  // as the CLI does: one count for OpenMP and LibTorch
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
  if (only.empty() || only == "nll") {
    ProcessParams pp = default_process(ProcessKind::VESong);
    pp.sigma_base = 25;
    pp.t_min = 1e-4;
    const Process ve(pp);
    // One model: train it here (so the ODE is that of a trained field), write its weights and the
    // images for the baseline, time both sides on the same batch.
    auto bench_nll = [&](const std::string& label, int d, int width, const DataFn& train_data, const DataFn& test_data) {
      MlpSpec ms;
      ms.d = d;
      ms.width = width;
      TrainSpec ts;
      ts.steps = nll_train_steps;
      ts.lr = 2e-3;
      ts.decay = "cosine";
      ts.progress = false;
      const MlpWeights w = train_dsm(ms, ve, train_data, ts).ema;
      const NetworkScore model(std::make_shared<MlpNet>(w), ve, Prediction::Eps);
      std::vector<uint64_t> ids(static_cast<size_t>((nll_samples + kLanes - 1) / kLanes * kLanes));
      for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
      Mat X0;
      test_data(ids.data(), int(ids.size()), X0);
      X0 = X0.topRows(nll_samples).eval();
      const std::string wfile = fmt::format("/tmp/thermodiff-bench-nll-{}.w", getpid()), xfile = wfile + ".x";
      write_mlp_files(wfile, w, xfile, X0);
      NllOptions o;
      o.rtol = o.atol = 1e-5;
      o.hutchinson_probes = 1;
      double nll_ours = 0, nfe_ours = 0;
      auto ours = [&]() {
        const auto t0 = Clock::now();
        const NllResult r = pf_ode_nll(ve, model, X0, o, gaussian_prior(ve, d));
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        nll_ours = r.nll.mean();
        nfe_ours = 0;
        for (int64_t v : r.nfe) nfe_ours += double(v) / double(r.nfe.size());
        return double(nll_samples) / secs;
      };
      const std::string cmd = py + fmt::format("nll_scipy.py --weights {} --images {} --d {} --width {} --threads {}",
                                               wfile, xfile, d, width, threads);
      ours();  // warm-up
      double best_ours = 0, best_scipy = 0;
      json sj;
      for (int rep = 0; rep < 2; ++rep) {
        best_ours = std::max(best_ours, ours());
        sj = run_python(cmd);
        best_scipy = std::max(best_scipy, sj["samples_per_s"].get<double>());
      }
      std::remove(wfile.c_str());
      std::remove(xfile.c_str());
      std::cout << fmt::format("NLL by the PF-ODE: {} (d = {}), MLP 3x{} ({} DSM steps), {} samples, VE sigma 25, "
                               "rtol = atol = 1e-5, Hutchinson 1 probe, {} threads\n",
                               label, d, width, nll_train_steps, nll_samples, threads);
      std::cout << fmt::format("  scipy RK45 + PyTorch : {:9.1f} samples/s  (NFE {} for the batch, NLL {:.4f} nats/dim)\n"
                               "  thermodiff           : {:9.1f} samples/s  (mean NFE {:.0f} per sample, NLL {:.4f} nats/dim)   {:.1f}x\n",
                               best_scipy, sj["nfe"].get<int64_t>(), sj["nll_mean"].get<double>() / d, best_ours,
                               nfe_ours, nll_ours / d, best_ours / best_scipy);
      return json{{"data", label}, {"d", d}, {"width", width}, {"samples", nll_samples}, {"train_steps", nll_train_steps},
                  {"scipy_samples_per_s", best_scipy}, {"thermodiff_samples_per_s", best_ours},
                  {"ratio", best_ours / best_scipy}, {"scipy_nfe", sj["nfe"]}, {"thermodiff_mean_nfe", nfe_ours},
                  {"scipy_nll_per_dim", sj["nll_mean"].get<double>() / d}, {"thermodiff_nll_per_dim", nll_ours / d}};
    };
    j["nll"] = json::array();
    // Issue 3's network on 2-d data (the 8-mode ring), and the sigma sweep's on 8x8 images.
    j["nll"].push_back(bench_nll("8-mode ring", 2, 128,
        [&](const uint64_t* ids, int n, Mat& X) { sample_mixture(ring, {1, Stream::Train}, ids, n, 2, X); },
        [&](const uint64_t* ids, int n, Mat& X) { sample_mixture(ring, {1, Stream::Test}, ids, n, 0, X); }));
    const ImageSpec images;  // uniform 8-bit, 8 x 8
    j["nll"].push_back(bench_nll("uniform 8-bit 8x8 images", images.pixels(), 256, images.sampler({1, Stream::Data}),
                                 images.sampler({1, Stream::Test})));
  }
  std::cout << j.dump() << "\n";
  return 0;
}
