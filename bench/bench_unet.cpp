// Benchmark: the U-Net (nn/unet.hpp) against the same network in PyTorch (bench/unet_torch.py,
// module for module, Debian python3-torch, same threads) in one invocation: seconds per DSM
// training step (eps prediction, VP, Adam, clipping, EMA) and per Hutchinson-divergence batch (one
// vector-Jacobian product), both float32; the parameter counts must agree.
//
//   build/bench_unet [--side S] [--base B] [--batch N] [--steps K] [--threads T] [--no-torch]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_python.hpp"
#include "data/mixture.hpp"
#include "nn/torchscript_net.hpp"  // set_torch_threads
#include "train/unet_train.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int side = 16, base = 32, batch = 16, steps = 20, threads = omp_get_max_threads();
  bool torch = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-torch") { torch = false; continue; }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_unet: %s needs a value\n", k.c_str()); return 2; }
    const int v = std::stoi(argv[++i]);
    if (k == "--side") side = v;
    else if (k == "--base") base = v;
    else if (k == "--batch") batch = v;
    else if (k == "--steps") steps = v;
    else if (k == "--threads") threads = v;
    else { std::fprintf(stderr, "bench_unet: unknown option %s\n", k.c_str()); return 2; }
  }
  if (side < 4 || base < 2 || batch < 8 || batch % 8 != 0 || steps < 1 || threads < 1) {
    std::fprintf(stderr, "bench_unet: need side >= 4, base >= 2, batch a multiple of 8, steps >= 1, threads >= 1\n");
    return 2;
  }
  omp_set_num_threads(threads);
  set_torch_threads(threads);  // as the CLI does: one count for OpenMP and LibTorch
  UNetSpec s;
  s.channels = 3, s.side = side, s.base = base, s.mult = {1, 2}, s.res_blocks = 1, s.attn_res = {side / 2}, s.groups = 8;
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture g = symmetric_pair(s.dim(), 0.0, 0.25);
  TrainSpec ts;
  ts.steps = steps + 1, ts.batch = batch, ts.lr = 1e-3, ts.progress = false;
  const UNetTrainResult r = train_unet(s, p, mixture_data(g, {1, Stream::Train}), ts);
  TrainSpec one = ts;
  one.steps = 1;
  // The first step (allocations, lazy initialization) is excluded, as in the baseline's warm-up.
  const double train_s = (r.seconds - train_unet(s, p, mixture_data(g, {1, Stream::Train}), one).seconds) / double(steps);
  // Hutchinson: one probe per sample on a batch, float32.
  const UNetNet& net = *r.ema;
  std::vector<uint64_t> ids(static_cast<size_t>(batch));
  for (int i = 0; i < batch; ++i) ids[size_t(i)] = uint64_t(i);
  Mat X;
  normal_block({2, Stream::User}, ids.data(), batch, 0, s.dim(), X);
  const std::vector<Mat> V = rademacher_probes({3, Stream::Hutchinson}, ids.data(), batch, 0, s.dim(), 1);
  Mat out, Q;
  net.forward_quadratic(X, 0.3, V, out, Q);  // warm-up
  const auto t0 = Clock::now();
  for (int k = 0; k < steps; ++k) net.forward_quadratic(X, 0.3, V, out, Q);
  const double hutch_s = std::chrono::duration<double>(Clock::now() - t0).count() / steps;
  nlohmann::json j = {{"benchmark", "unet"}, {"side", side}, {"base", base}, {"batch", batch}, {"threads", threads},
                      {"parameters", net.parameter_count()}, {"thermodiff_train_step_s", train_s},
                      {"thermodiff_hutchinson_batch_s", hutch_s}};
  std::printf("thermodiff: %s\n  train step %.4f s, Hutchinson batch %.4f s\n", net.describe().c_str(), train_s, hutch_s);
  if (torch) {
    const nlohmann::json tj = run_python(fmt::format(
        "OMP_NUM_THREADS={0} /usr/bin/python3 {1}/bench/unet_torch.py --side {2} --base {3} --batch {4} --steps {5} "
        "--threads {0} --attn {6}", threads, THERMODIFF_SOURCE_DIR, side, base, batch, steps, side / 2));
    j["torch_parameters"] = tj["parameters"];
    j["torch_train_step_s"] = tj["train_step_s"];
    j["torch_hutchinson_batch_s"] = tj["hutchinson_batch_s"];
    j["train_ratio"] = tj["train_step_s"].get<double>() / train_s;
    j["hutchinson_ratio"] = tj["hutchinson_batch_s"].get<double>() / hutch_s;
    std::printf("PyTorch (%lld parameters): train step %.4f s, Hutchinson batch %.4f s\nratios (PyTorch / thermodiff): train %.2fx, Hutchinson %.2fx\n",
                (long long)tj["parameters"].get<int64_t>(), tj["train_step_s"].get<double>(), tj["hutchinson_batch_s"].get<double>(),
                j["train_ratio"].get<double>(), j["hutchinson_ratio"].get<double>());
  }
  std::printf("%s\n", j.dump().c_str());
  return 0;
}
