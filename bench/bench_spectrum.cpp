// Benchmark of the Jacobian spectrum of a network's score (issue 36; observe/score_spectrum.hpp):
// the top eigenvalues of the score's Jacobian at n points for an MLP on d = 784 (Fashion-MNIST's
// size; width 512, 3 hidden layers, eps-prediction, VP at t = 0.3, weights from a fixed seed), by
// block Lanczos on batched products (forward tangents and a reverse pass) and by the full Jacobian
// (d products and a symmetric eigensolver), against PyTorch in the same run: functorch's jacrev
// under vmap (torch.func on PyTorch 2) for the full Jacobian, then torch.linalg.eigvalsh
// (bench/spectrum_torch.py). Best of two after a warm-up; the top eigenvalues of every method are
// compared (Lanczos within its residual bounds).
//
//   build/bench_spectrum [--points N] [--dim D] [--width W] [--top K] [--steps S] [--threads T] [--no-python]
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_python.hpp"
#include "bench_timing.hpp"
#include "core/rng.hpp"
#include "mlp_files.hpp"
#include "nn/network.hpp"
#include "observe/score_spectrum.hpp"
#include "train/dsm_train.hpp"

using namespace td;

int main(int argc, char** argv) {
  int points = 16, dim = 784, width = 512, top = 16, steps = 0, threads = omp_get_max_threads();
  bool python = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-python") { python = false; continue; }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_spectrum: %s needs a value\n", k.c_str()); return 2; }
    const int v = std::stoi(argv[++i]);
    if (k == "--points") points = v;
    else if (k == "--dim") dim = v;
    else if (k == "--width") width = v;
    else if (k == "--top") top = v;
    else if (k == "--steps") steps = v;
    else if (k == "--threads") threads = v;
    else { std::fprintf(stderr, "bench_spectrum: unknown option %s\n", k.c_str()); return 2; }
  }
  omp_set_num_threads(threads);
  MlpSpec spec;
  spec.d = dim, spec.width = width, spec.hidden = 3, spec.embed = 32;
  const MlpWeights w = init_mlp(spec, 1);
  const Process p(default_process(ProcessKind::VP));
  const NetworkScore score(std::make_shared<MlpNet>(w), p, Prediction::Eps);
  std::vector<uint64_t> ids(static_cast<size_t>(points));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat X;
  normal_block({2, Stream::User}, ids.data(), points, 0, dim, X);
  const double t = 0.3;
  SpectrumOptions lanczos, full;
  lanczos.full_max_dim = 0, lanczos.block = 4, lanczos.steps = steps > 0 ? steps : 3 * top;  // 12 products per top value
  full.full_max_dim = dim;
  PointSpectra L, F;
  const double t_lanczos = best_of_two([&] { L = score_spectra(score, X, t, lanczos, {3, Stream::User}); });
  const double t_full = best_of_two([&] { F = score_spectra(score, X, t, full, {3, Stream::User}); });
  // Agreement of the top `top` values: Lanczos' against the full spectrum, and its largest bound.
  double diff = 0, bound = 0, scale = 0;
  for (int i = 0; i < points; ++i) {
    int last = int(L.values.cols()) - 1;
    while (std::isnan(L.values(i, last))) --last;
    for (int j = 0; j < top; ++j) {
      diff = std::max(diff, std::abs(L.values(i, last - j) - F.values(i, dim - 1 - j)));
      bound = std::max(bound, L.residual(i, last - j));
    }
    scale = std::max(scale, F.values.row(i).cwiseAbs().maxCoeff());
  }
  nlohmann::json out = {{"points", points}, {"dim", dim}, {"width", width}, {"top", top}, {"threads", threads},
                        {"lanczos_products", lanczos.block * lanczos.steps}, {"lanczos_s", t_lanczos}, {"full_s", t_full},
                        {"top_max_diff", diff}, {"top_max_residual", bound}, {"spectrum_scale", scale}};
  std::printf("thermodiff block Lanczos (%d products/point): %.3f s\nthermodiff full Jacobian (%d products/point + eigensolver): %.3f s\n",
              lanczos.block * lanczos.steps, t_lanczos, dim, t_full);
  std::printf("top %d values: Lanczos - full at most %.3g (largest residual bound %.3g; values up to %.3g)\n", top, diff, bound, scale);
  if (python) {
    const std::string wfile = fmt::format("/tmp/thermodiff-bench-spectrum-{}.w", getpid()), xfile = wfile + ".x";
    write_mlp_files(wfile, w, xfile, X);
    const nlohmann::json py = run_python(fmt::format("OMP_NUM_THREADS={0} {1} {2}/bench/spectrum_torch.py {3} {4} {5} {6} {7} {8} {0}",
                                                     threads, python_with_torch(), THERMODIFF_SOURCE_DIR, wfile, xfile, dim, width,
                                                     t, p.sigma(t)));
    std::remove(wfile.c_str()), std::remove(xfile.c_str());
    double pdiff = 0;
    for (int i = 0; i < points; ++i)
      for (int j = 0; j < top; ++j) pdiff = std::max(pdiff, std::abs(py["top"][size_t(i)][size_t(j)].get<double>() - F.values(i, dim - 1 - j)));
    out["torch_s"] = py["torch_s"], out["torch_api"] = py["api"], out["torch_top_max_diff"] = pdiff;
    const double ts = py["torch_s"].get<double>();
    std::printf("PyTorch %s + eigvalsh: %.3f s (Lanczos %.1fx faster, full %.2fx); top values differ from ours by at most %.3g\n",
                py["api"].get<std::string>().c_str(), ts, ts / t_lanczos, ts / t_full, pdiff);
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
