// The CUDA platform's kernels: one thread per row, the arithmetic of core/philox_draw.hpp and
// score/mixture_point.hpp (the same functions the CPU runs). Compiled with --fmad=false, so that
// +, -, *, / round as on the host; the device's exp/log/sin/cos differ from glibc's in the last bits,
// hence per-row agreement to ~1e-15 relative, not bit for bit (tests/platform: NMSE <= 1e-24).
#include <cuda_runtime.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/philox_draw.hpp"
#include "platform/cuda/cuda_kernels.hpp"

namespace td::cuda {
namespace {

int& selected_device() {
  static int d = 0;
  return d;
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(e));
}

// A device array freed on scope exit.
template <class T>
struct DeviceArray {
  T* p = nullptr;
  explicit DeviceArray(size_t n) {
    if (n) check(cudaMalloc(&p, n * sizeof(T)), "cudaMalloc");
  }
  ~DeviceArray() { cudaFree(p); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
};
template <class T>
void to_device(T* dst, const T* src, size_t n) {
  if (n) check(cudaMemcpy(dst, src, n * sizeof(T), cudaMemcpyHostToDevice), "copy to device");
}
template <class T>
void to_host(T* dst, const T* src, size_t n) {
  if (n) check(cudaMemcpy(dst, src, n * sizeof(T), cudaMemcpyDeviceToHost), "copy to host");
}
void finish(const char* kernel) {
  check(cudaGetLastError(), kernel);
  check(cudaDeviceSynchronize(), kernel);
}
constexpr int kThreads = 128;
int blocks(int n) { return (n + kThreads - 1) / kThreads; }

__global__ void normals_kernel(uint64_t seed, uint32_t stream, uint32_t sub, const uint64_t* ids, int n, uint64_t step,
                               int d, bool uniform, double* Z) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  for (int j = 0; j < d; ++j)
    Z[i + size_t(j) * n] = uniform ? uniform_component(seed, stream, sub, ids[i], step, j)
                                   : normal_component(seed, stream, sub, ids[i], step, j);
}

void draws(uint64_t seed, uint32_t stream, uint32_t sub, const uint64_t* ids, int n, uint64_t step, int d, bool uniform,
           double* Z) {
  DeviceArray<uint64_t> dids(n);
  DeviceArray<double> dz(size_t(n) * d);
  to_device(dids.p, ids, n);
  normals_kernel<<<blocks(n), kThreads>>>(seed, stream, sub, dids.p, n, step, d, uniform, dz.p);
  finish("normals kernel");
  to_host(Z, dz.p, size_t(n) * d);
}

// Row i of a chunk of rows: x_j at X[i + j n], s_j at S[i + j n]; r is the row's K doubles of scratch.
__global__ void mixture_kernel(MixtureArrays g, const double* X, int n, double* S, double* div, double* logp,
                               double* scratch) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double* r = scratch + size_t(i) * g.K;
  const double lp = mixture_point(g, X + i, n, r, S ? S + i : nullptr, n, div ? div + i : nullptr);
  if (logp) logp[i] = lp;
}

__global__ void taep_kernel(FusedTaepProblem p, uint64_t first, int n, FusedTaepOut out, double* scratch, int per) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  fused_taep_trajectory(p, first + uint64_t(i), i, n, scratch + size_t(i) * per, out);
}

// Small problems (the paper's rings: K = 8, d = 2 needs 26 doubles) keep the scratch in a local
// array: CUDA interleaves local memory across the threads of a warp (coalesced) and caches it in L1.
template <int N>
__global__ void taep_kernel_local(FusedTaepProblem p, uint64_t first, int n, FusedTaepOut out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double scratch[N];
  fused_taep_trajectory(p, first + uint64_t(i), i, n, scratch, out);
}

__global__ void cloning_kernel(FusedCloningProblem p, uint64_t first, int n, double* vec, double* r, int* cls,
                               unsigned char* same) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  // Sample i's vectors start at element i and stride n: neighbouring threads, neighbouring addresses.
  fused_cloning_sample(p, first + uint64_t(i), i, n, vec + i, n, r + size_t(i) * p.K, cls + size_t(i) * p.branches, same);
}

// A mixture's arrays copied to the device (freed with the owner).
struct DeviceMixture {
  DeviceArray<double> w, m, v;
  MixtureArrays a;
  explicit DeviceMixture(const MixtureArrays& g)
      : w(size_t(g.K)), m(size_t(g.K) * g.d), v(size_t(g.K) * g.d), a(g) {
    to_device(w.p, g.weights, size_t(g.K));
    to_device(m.p, g.means, size_t(g.K) * g.d);
    to_device(v.p, g.vars, size_t(g.K) * g.d);
    a.weights = w.p;
    a.means = m.p;
    a.vars = v.p;
  }
};

}  // namespace

DeviceInfo probe(int preferred) {
  DeviceInfo info;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    info.reason = std::string("no GPU usable here (CUDA runtime: ") + cudaGetErrorString(e) + ")";
    cudaGetLastError();  // clear it
    return info;
  }
  if (count == 0) {
    info.reason = "no CUDA device on this machine";
    return info;
  }
  selected_device() = preferred % count;
  cudaSetDevice(selected_device());
  cudaDeviceProp p;
  if (cudaGetDeviceProperties(&p, selected_device()) != cudaSuccess) {
    info.reason = "cudaGetDeviceProperties failed";
    return info;
  }
  info.available = true;
  info.name = p.name;
  info.memory = p.totalGlobalMem;
  info.major = p.major;
  info.minor = p.minor;
  info.multiprocessors = p.multiProcessorCount;
  info.index = selected_device();
  return info;
}

void normals(uint64_t seed, uint32_t stream, uint32_t sub, const uint64_t* ids, int n, uint64_t step, int d, double* Z) {
  check(cudaSetDevice(selected_device()), "cudaSetDevice");
  draws(seed, stream, sub, ids, n, step, d, false, Z);
}
void uniforms(uint64_t seed, uint32_t stream, uint32_t sub, const uint64_t* ids, int n, uint64_t step, int m, double* U) {
  check(cudaSetDevice(selected_device()), "cudaSetDevice");
  draws(seed, stream, sub, ids, n, step, m, true, U);
}

void mixture(const MixtureArrays& g, const double* X, int n, double* S, double* div, double* logp) {
  check(cudaSetDevice(selected_device()), "cudaSetDevice");
  const DeviceMixture mix(g);  // its kernel (alpha, sigma2) too
  const MixtureArrays& dg = mix.a;
  // Chunks of rows: X, S and the scratch of a chunk in at most a quarter of the free memory.
  size_t free_bytes = 0, total = 0;
  check(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
  const size_t per_row = sizeof(double) * (2 * size_t(g.d) + g.K + 2);
  const int chunk = int(std::max<size_t>(1, std::min<size_t>(size_t(n), free_bytes / 4 / per_row)));
  DeviceArray<double> dx(size_t(chunk) * g.d), ds(S ? size_t(chunk) * g.d : 0), ddiv(div ? chunk : 0),
      dlp(logp ? chunk : 0), scratch(size_t(chunk) * g.K);
  std::vector<double> buf(size_t(chunk) * g.d);
  for (int lo = 0; lo < n; lo += chunk) {
    const int c = std::min(chunk, n - lo);
    for (int j = 0; j < g.d; ++j) std::copy(X + lo + size_t(j) * n, X + lo + c + size_t(j) * n, buf.begin() + size_t(j) * c);
    to_device(dx.p, buf.data(), size_t(c) * g.d);
    mixture_kernel<<<blocks(c), kThreads>>>(dg, dx.p, c, S ? ds.p : nullptr, div ? ddiv.p : nullptr,
                                            logp ? dlp.p : nullptr, scratch.p);
    finish("mixture kernel");
    if (S) {
      to_host(buf.data(), ds.p, size_t(c) * g.d);
      for (int j = 0; j < g.d; ++j) std::copy(buf.begin() + size_t(j) * c, buf.begin() + size_t(j + 1) * c, S + lo + size_t(j) * n);
    }
    if (div) to_host(div + lo, ddiv.p, c);
    if (logp) to_host(logp + lo, dlp.p, c);
  }
}


void taep_mixture(const FusedTaepProblem& p, uint64_t first, int n, FusedTaepOut out) {
  check(cudaSetDevice(selected_device()), "cudaSetDevice");
  const int M = p.models;
  DeviceArray<FusedStep> steps{size_t(p.steps)};
  to_device(steps.p, p.step, size_t(p.steps));
  const DeviceMixture target(p.target);
  std::vector<std::unique_ptr<DeviceMixture>> models;
  std::vector<MixtureArrays> model_arrays;
  for (int m = 0; m < M; ++m) {
    models.push_back(std::make_unique<DeviceMixture>(p.model[m]));
    model_arrays.push_back(models.back()->a);
  }
  DeviceArray<MixtureArrays> dmodels{size_t(M)};
  to_device(dmodels.p, model_arrays.data(), size_t(M));
  FusedTaepProblem dp = p;
  dp.step = steps.p;
  dp.target = target.a;
  dp.model = dmodels.p;
  // Chunks: each trajectory's scratch and its 4 M results in at most a quarter of the free memory.
  size_t free_bytes = 0, total = 0;
  check(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
  const int per = fused_taep_scratch(p);
  const size_t per_traj = sizeof(double) * (size_t(per) + 4 * size_t(M));
  const int chunk = int(std::max<size_t>(1, std::min<size_t>(size_t(n), free_bytes / 4 / per_traj)));
  DeviceArray<double> scratch(per > 128 ? size_t(chunk) * per : 0), res(4 * size_t(M) * chunk);
  for (int lo = 0; lo < n; lo += chunk) {
    const int c = std::min(chunk, n - lo);
    double* r = res.p;
    const FusedTaepOut dout{r, r + size_t(M) * c, r + 2 * size_t(M) * c, out.exact ? r + 3 * size_t(M) * c : nullptr};
    if (per <= 32)
      taep_kernel_local<32><<<blocks(c), kThreads>>>(dp, first + uint64_t(lo), c, dout);
    else if (per <= 128)
      taep_kernel_local<128><<<blocks(c), kThreads>>>(dp, first + uint64_t(lo), c, dout);
    else
      taep_kernel<<<blocks(c), kThreads>>>(dp, first + uint64_t(lo), c, dout, scratch.p, per);
    finish("TAEP kernel");
    double* host[4] = {out.kernel, out.noise, out.coarse, out.exact};
    for (int q = 0; q < 4; ++q)
      if (host[q])
        for (int m = 0; m < M; ++m) to_host(host[q] + size_t(m) * n + lo, r + (size_t(q) * M + m) * c, size_t(c));
  }
}

void cloning(const FusedCloningProblem& p, uint64_t first, int n, unsigned char* same) {
  check(cudaSetDevice(selected_device()), "cudaSetDevice");
  DeviceArray<ReverseCoef> steps{size_t(p.steps)};
  to_device(steps.p, p.step, size_t(p.steps));
  DeviceArray<int> branch{size_t(p.branches)};
  to_device(branch.p, p.branch_step, size_t(p.branches));
  DeviceArray<double> ca{p.ca ? size_t(p.steps) : 0}, cb{p.cb ? size_t(p.steps) : 0};
  if (p.ca) to_device(ca.p, p.ca, size_t(p.steps)), to_device(cb.p, p.cb, size_t(p.steps));
  const DeviceMixture data(p.data);
  FusedCloningProblem dp = p;
  dp.step = steps.p;
  dp.branch_step = branch.p;
  dp.data = data.a;
  dp.ca = p.ca ? ca.p : nullptr;
  dp.cb = p.cb ? cb.p : nullptr;
  // Chunks: every sample's vectors, scratch and classes in at most half of the free memory.
  size_t free_bytes = 0, total = 0;
  check(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
  const size_t per = sizeof(double) * (size_t(fused_cloning_vectors()) * p.d + p.K) + (sizeof(int) + 1) * size_t(p.branches);
  const int chunk = int(std::max<size_t>(1, std::min<size_t>(size_t(n), free_bytes / 2 / per)));
  DeviceArray<double> vec{size_t(fused_cloning_vectors()) * p.d * size_t(chunk)}, r{size_t(p.K) * chunk};
  DeviceArray<int> cls{size_t(std::max(p.branches, 1)) * chunk};
  DeviceArray<unsigned char> dsame{size_t(std::max(p.branches, 1)) * chunk};
  for (int lo = 0; lo < n; lo += chunk) {
    const int c = std::min(chunk, n - lo);
    cloning_kernel<<<blocks(c), kThreads>>>(dp, first + uint64_t(lo), c, vec.p, r.p, cls.p, dsame.p);
    finish("cloning kernel");
    for (int b = 0; b < p.branches; ++b) to_host(same + size_t(b) * n + lo, dsame.p + size_t(b) * c, size_t(c));
  }
}

}  // namespace td::cuda
