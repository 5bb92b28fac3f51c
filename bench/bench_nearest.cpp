// Benchmark of the exact nearest-neighbour search behind the memorization metrics (issue 33;
// observe/nearest_neighbors.hpp): 2 nearest of 1000 queries among a training set of 60000 x 784
// (Fashion-MNIST's size; random normals, float64), against numpy (blocked |q|^2 + |r|^2 - 2 q.r and
// argpartition) and PyTorch (cdist + topk) on the same sizes, in one run (bench/nearest_torch.py).
// Best of two after a warm-up.
//
//   build/bench_nearest [--queries N] [--refs N] [--dim D] [--threads T] [--no-python]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_python.hpp"
#include "core/rng.hpp"
#include "bench_timing.hpp"
#include "observe/nearest_neighbors.hpp"

using namespace td;
using Clock = std::chrono::steady_clock;

namespace {

Mat normals(uint64_t seed, int n, int d) {
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  Mat Z;
  normal_block({seed, Stream::User}, ids.data(), n, 0, d, Z);
  return Z;
}


}  // namespace

int main(int argc, char** argv) {
  int queries = 1000, refs = 60000, dim = 784, threads = omp_get_max_threads();
  bool python = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-python") { python = false; continue; }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_nearest: %s needs a value\n", k.c_str()); return 2; }
    const int v = std::stoi(argv[++i]);
    if (k == "--queries") queries = v;
    else if (k == "--refs") refs = v;
    else if (k == "--dim") dim = v;
    else if (k == "--threads") threads = v;
    else { std::fprintf(stderr, "bench_nearest: unknown option %s\n", k.c_str()); return 2; }
  }
  omp_set_num_threads(threads);
  const Mat Q = normals(1, queries, dim), R = normals(2, refs, dim);
  const double ours = best_of_two([&] { (void)nearest_neighbors(Q, R, 2); });
  nlohmann::json out = {{"queries", queries}, {"refs", refs}, {"dim", dim}, {"threads", threads}, {"thermodiff_s", ours}};
  std::printf("thermodiff: %.3f s (%d queries x %d refs x %d dims, 2 nearest, exact)\n", ours, queries, refs, dim);
  if (python) {
    const nlohmann::json p = run_python(fmt::format("OMP_NUM_THREADS={0} OPENBLAS_NUM_THREADS={0} {1} {2}/bench/nearest_torch.py {3} {4} {5} {0}",
                                                    threads, python_with_torch(), THERMODIFF_SOURCE_DIR, queries, refs, dim));
    out.update(p);
    std::printf("numpy:      %.3f s  (thermodiff %.2fx faster)\n", p["numpy_s"].get<double>(), p["numpy_s"].get<double>() / ours);
    if (!p["torch_s"].is_null())
      std::printf("torch:      %.3f s  (thermodiff %.2fx faster)\n", p["torch_s"].get<double>(), p["torch_s"].get<double>() / ours);
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
