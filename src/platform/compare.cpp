#include "platform/compare.hpp"

#include <chrono>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "process/process.hpp"
#include "sim/fused_cloning_setup.hpp"
#include "sim/fused_taep_setup.hpp"

namespace td {
namespace {

double nmse(const Mat& ref, const Mat& x) { return (x - ref).squaredNorm() / std::max(ref.squaredNorm(), 1e-300); }

double best_of(int repeats, const std::function<void()>& fn) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// K components as ring_or_line, reweighted, the rest spread by the normals; diagonal
// variances differ across coordinates, isotropic ones do not (the kernels special-case neither, but
// a fast path might).
// K components on a circle of radius 2 in the first two coordinates (std 0.3); in d = 1 on a line.
GaussianMixture ring_or_line(int K, int d) {
  if (d >= 2) return ring_mixture(K, 2.0, 0.3, d);
  GaussianMixture g;
  g.weights = Vec::Constant(K, 1.0 / K);
  g.means = Mat(K, 1);
  for (int k = 0; k < K; ++k) g.means(k, 0) = 2.0 * std::cos(2 * M_PI * k / K) + 0.5 * k / K;
  g.vars = Mat::Constant(K, 1, 0.09);
  return g;
}

GaussianMixture test_mixture(int K, int d, bool diagonal) {
  GaussianMixture g = ring_or_line(K, d);
  for (int k = 0; k < K; ++k) {
    g.weights[k] = 1.0 + 0.5 * std::sin(1.7 * k);
    for (int j = 0; j < d; ++j) g.vars(k, j) = 0.2 + 0.1 * std::cos(0.3 * k + (diagonal ? 0.7 * j : 0.0));
  }
  g.weights /= g.weights.sum();
  return g;
}

// Ids of a chunk of n items, above 2^32 (the counters' high words in use).
std::vector<uint64_t> chunk_ids(int n) {
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(1) << 40 | uint64_t(i * 7 + 3);
  return ids;
}

const RngKey kKey{7, Stream::User, 3};

// Normals and uniforms over dimensions and chunk sizes (a chunk of 1 and odd sizes cross the lanes'
// and blocks' edges).
void case_draws(const Platform& a, const Platform& b, int size, int repeats, std::vector<KernelComparison>& out) {
  for (int n : {1, 13, 256 * size})
    for (int d : {1, 2, 7, 64}) {
      const std::vector<uint64_t> ids = chunk_ids(n);
      Mat Za, Zb, Ua, Ub;
      KernelComparison c{"normals", fmt::format("{} x {}", n, d)};
      c.seconds_a = best_of(repeats, [&] { a.normals(kKey, ids.data(), n, 5, d, Za); });
      c.seconds_b = best_of(repeats, [&] { b.normals(kKey, ids.data(), n, 5, d, Zb); });
      c.nmse = nmse(Za, Zb);
      c.tolerance = 1e-26;  // vector libm log/cos against scalar: relative 1e-13 per number
      out.push_back(c);
      KernelComparison u{"uniforms", fmt::format("{} x {}", n, d)};
      u.seconds_a = best_of(repeats, [&] { a.uniforms(kKey, ids.data(), n, 5, d, Ua); });
      u.seconds_b = best_of(repeats, [&] { b.uniforms(kKey, ids.data(), n, 5, d, Ub); });
      u.nmse = nmse(Ua, Ub);
      u.tolerance = 0;  // the same bits
      out.push_back(u);
    }
}

// The mixture score, divergence and log-density over K, d, isotropic and diagonal variances, and
// chunk sizes.
void case_mixture(const Platform& a, const Platform& b, int size, int repeats, std::vector<KernelComparison>& out) {
  for (int n : {5, 256 * size})
    for (const auto& [K, d] : std::vector<std::pair<int, int>>{{1, 1}, {8, 2}, {3, 16}, {64, 128}})
      for (bool diagonal : {false, true}) {
        const GaussianMixture g = test_mixture(K, d, diagonal);
        const std::vector<uint64_t> ids = chunk_ids(n);
        Mat X;
        normal_block(kKey, ids.data(), n, 9, d, X);
        X *= 2.0;
        Mat Sa, Sb;
        Vec da, db, la, lb;
        KernelComparison c{"mixture score, divergence, log-density",
                           fmt::format("{} points, K = {}, d = {}, {}", n, K, d, diagonal ? "diagonal" : "isotropic")};
        c.seconds_a = best_of(repeats, [&] { a.mixture(g, X, &Sa, &da, &la); });
        c.seconds_b = best_of(repeats, [&] { b.mixture(g, X, &Sb, &db, &lb); });
        c.nmse = std::max({nmse(Sa, Sb), nmse(da, db), nmse(la, lb)});
        c.tolerance = 1e-24;
        out.push_back(c);
      }
}

// Whole fused TAEP trajectories: a ring target and one or two models (reweighted; broadened) under VP
// and VE, in d = 1, 2 (on the GPU, scratch in registers and local memory) and 24 (in global memory),
// over chunk sizes.
void case_taep(const Platform& a, const Platform& b, int size, int repeats, std::vector<KernelComparison>& out) {
  for (ProcessKind kind : {ProcessKind::VP, ProcessKind::VE})
    for (int d : {1, 2, 24})
      for (int models : {1, 2})
        for (int n : {1, 37, 64 * size}) {
          if (kind == ProcessKind::VE && (n != 37 || models != 2)) continue;  // VE: one chunk, both models
          const Process process{default_process(kind)};
          const TimeGrid grid(process.t_min(), process.T(), 40);
          const GaussianMixture target = ring_or_line(8, d);
          GaussianMixture reweighted = target, broad = target;
          reweighted.weights = collapse_weights(8, 2, 0.4);
          broad.vars *= 1.3;
          std::vector<GaussianMixture> ms = {reweighted, broad};
          ms.resize(size_t(models));
          const FusedTaepSetup setup(process, grid, target, ms, {7, Stream::Init}, {7, Stream::Forward});
          FusedTaepResults ra, rb;
          ra.resize(models, n);
          rb.resize(models, n);
          KernelComparison c{fmt::format("fused TAEP trajectories ({} model{})", models, models > 1 ? "s" : ""),
                             fmt::format("{} x {} steps, K = 8, d = {}, {}", n, grid.steps(), d, process_kind_name(kind))};
          c.seconds_a = best_of(repeats, [&] { a.taep_mixture(setup.problem(), uint64_t(1) << 33, n, ra.out()); });
          c.seconds_b = best_of(repeats, [&] { b.taep_mixture(setup.problem(), uint64_t(1) << 33, n, rb.out()); });
          auto as_mat = [](const std::vector<double>& v) { return Mat(Eigen::Map<const Mat>(v.data(), Eigen::Index(v.size()), 1)); };
          c.nmse = std::max({nmse(as_mat(ra.kernel), as_mat(rb.kernel)), nmse(as_mat(ra.noise), as_mat(rb.noise)),
                             nmse(as_mat(ra.coarse), as_mat(rb.coarse)), nmse(as_mat(ra.exact), as_mat(rb.exact))});
          c.tolerance = 1e-24;  // the device's libm against glibc, accumulated over the steps
          out.push_back(c);
        }
}

// Whole fused cloning samples: two Gaussians under OU, both reverse schemes, three branch times, in
// d = 1 and 16, over chunk sizes. The "NMSE" is the fraction of (sample, branch) outcomes that differ:
// a class decided by the last bits of a libm call may flip, rarely.
void case_cloning(const Platform& a, const Platform& b, int size, int repeats, std::vector<KernelComparison>& out) {
  for (ReverseScheme scheme : {ReverseScheme::EulerMaruyama, ReverseScheme::Heun})
    for (int d : {1, 16})
      for (int n : {67, 64 * size}) {
        const Process process{default_process(ProcessKind::OU)};
        const TimeGrid grid(process.t_min(), process.T(), 40);
        const std::vector<int> branches = {40, 20, 10};
        const FusedCloningSetup setup(symmetric_pair(d), process, grid, branches, scheme, 7, 41);
        std::vector<unsigned char> sa(branches.size() * size_t(n)), sb(sa.size());
        KernelComparison c{fmt::format("fused cloning samples ({}, 3 branches)", reverse_scheme_name(scheme)),
                           fmt::format("{} x {} steps, d = {}", n, grid.steps(), d)};
        c.seconds_a = best_of(repeats, [&] { a.cloning(setup.problem(), uint64_t(1) << 33, n, sa.data()); });
        c.seconds_b = best_of(repeats, [&] { b.cloning(setup.problem(), uint64_t(1) << 33, n, sb.data()); });
        double differ = 0;
        for (size_t i = 0; i < sa.size(); ++i) differ += sa[i] != sb[i];
        c.nmse = differ / double(sa.size());
        c.tolerance = 0.01;
        out.push_back(c);
      }
}

}  // namespace

// One case per kernel of the interface, each over its parameter grid; a new kernel adds its case here.
const std::vector<KernelCase>& kernel_cases() {
  static const std::vector<KernelCase> cases = {{"draws", case_draws},
                                                {"mixture", case_mixture},
                                                {"taep_mixture", case_taep},
                                                {"cloning", case_cloning}};
  return cases;
}

std::vector<KernelComparison> compare_platforms(const Platform& a, const Platform& b, int size, int repeats) {
  std::vector<KernelComparison> out;
  for (const KernelCase& k : kernel_cases()) k.run(a, b, size, repeats, out);
  return out;
}

}  // namespace td
