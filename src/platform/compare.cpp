#include "platform/compare.hpp"

#include <chrono>
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

// K components on a circle in the first two coordinates, the rest spread by the normals.
GaussianMixture test_mixture(int K, int d) {
  GaussianMixture g = ring_mixture(K, 2.0, 0.3, d);
  for (int k = 0; k < K; ++k) {
    g.weights[k] = 1.0 + 0.5 * std::sin(1.7 * k);
    for (int j = 0; j < d; ++j) g.vars(k, j) = 0.2 + 0.1 * std::cos(0.3 * k + 0.7 * j);
  }
  g.weights /= g.weights.sum();
  return g;
}

// Whole fused TAEP trajectories: a ring target and two models (reweighted, broadened) under VP, in
// d = 2 (the GPU keeps its scratch in registers and local memory) and d = 24 (in global memory).
KernelComparison compare_taep(const Platform& a, const Platform& b, int size, int repeats, int d) {
  const Process process{default_process(ProcessKind::VP)};
  const TimeGrid grid(process.t_min(), process.T(), 40);
  const GaussianMixture target = ring_mixture(8, 2.0, 0.3, d);
  GaussianMixture reweighted = target, broad = target;
  reweighted.weights = collapse_weights(8, 2, 0.4);
  broad.vars *= 1.3;
  const FusedTaepSetup setup(process, grid, target, {reweighted, broad}, {7, Stream::Init}, {7, Stream::Forward});
  const int n = 64 * size;
  FusedTaepResults ra, rb;
  ra.resize(2, n);
  rb.resize(2, n);
  KernelComparison c{"fused TAEP trajectories (2 models)", fmt::format("{} x {} steps, K = 8, d = {}", n, grid.steps(), d)};
  c.seconds_a = best_of(repeats, [&] { a.taep_mixture(setup.problem(), uint64_t(1) << 33, n, ra.out()); });
  c.seconds_b = best_of(repeats, [&] { b.taep_mixture(setup.problem(), uint64_t(1) << 33, n, rb.out()); });
  auto as_mat = [](const std::vector<double>& v) { return Mat(Eigen::Map<const Mat>(v.data(), Eigen::Index(v.size()), 1)); };
  c.nmse = std::max({nmse(as_mat(ra.kernel), as_mat(rb.kernel)), nmse(as_mat(ra.noise), as_mat(rb.noise)),
                     nmse(as_mat(ra.coarse), as_mat(rb.coarse)), nmse(as_mat(ra.exact), as_mat(rb.exact))});
  c.tolerance = 1e-24;  // the device's libm against glibc, accumulated over the steps
  return c;
}

// Whole fused cloning samples: two Gaussians in d = 16 under OU, Heun, three branch times. The
// "NMSE" is the fraction of (sample, branch) outcomes that differ: a class decided by the last bits
// of a libm call may flip, rarely.
KernelComparison compare_cloning(const Platform& a, const Platform& b, int size, int repeats) {
  const Process process{default_process(ProcessKind::OU)};
  const TimeGrid grid(process.t_min(), process.T(), 40);
  const int n = 64 * size;
  const std::vector<int> branches = {40, 20, 10};
  const FusedCloningSetup setup(symmetric_pair(16), process, grid, branches, ReverseScheme::Heun, 7, 41);
  std::vector<unsigned char> sa(branches.size() * size_t(n)), sb(sa.size());
  KernelComparison c{"fused cloning samples (Heun, 3 branches)", fmt::format("{} x {} steps, d = 16", n, grid.steps())};
  c.seconds_a = best_of(repeats, [&] { a.cloning(setup.problem(), uint64_t(1) << 33, n, sa.data()); });
  c.seconds_b = best_of(repeats, [&] { b.cloning(setup.problem(), uint64_t(1) << 33, n, sb.data()); });
  double differ = 0;
  for (size_t i = 0; i < sa.size(); ++i) differ += sa[i] != sb[i];
  c.nmse = differ / double(sa.size());
  c.tolerance = 0.01;
  return c;
}

}  // namespace

std::vector<KernelComparison> compare_platforms(const Platform& a, const Platform& b, int size, int repeats) {
  std::vector<KernelComparison> out;
  const int n = 256 * size;
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ids[size_t(i)] = uint64_t(1) << 40 | uint64_t(i * 7 + 3);  // above 2^32
  const RngKey key{7, Stream::User, 3};
  for (int d : {2, 64}) {
    Mat Za, Zb, Ua, Ub;
    KernelComparison c{"normals", fmt::format("{} x {}", n, d)};
    c.seconds_a = best_of(repeats, [&] { a.normals(key, ids.data(), n, 5, d, Za); });
    c.seconds_b = best_of(repeats, [&] { b.normals(key, ids.data(), n, 5, d, Zb); });
    c.nmse = nmse(Za, Zb);
    c.tolerance = 1e-26;  // vector libm log/cos against scalar: relative 1e-13 per number
    out.push_back(c);
    KernelComparison u{"uniforms", fmt::format("{} x {}", n, d)};
    u.seconds_a = best_of(repeats, [&] { a.uniforms(key, ids.data(), n, 5, d, Ua); });
    u.seconds_b = best_of(repeats, [&] { b.uniforms(key, ids.data(), n, 5, d, Ub); });
    u.nmse = nmse(Ua, Ub);
    u.tolerance = 0;  // the same bits
    out.push_back(u);
  }
  for (const auto& [K, d] : std::vector<std::pair<int, int>>{{8, 2}, {64, 128}}) {
    const GaussianMixture g = test_mixture(K, d);
    Mat X;
    normal_block(key, ids.data(), n, 9, d, X);
    X *= 2.0;
    Mat Sa, Sb;
    Vec da, db, la, lb;
    KernelComparison c{"mixture score, divergence, log-density", fmt::format("{} points, K = {}, d = {}", n, K, d)};
    c.seconds_a = best_of(repeats, [&] { a.mixture(g, X, &Sa, &da, &la); });
    c.seconds_b = best_of(repeats, [&] { b.mixture(g, X, &Sb, &db, &lb); });
    c.nmse = std::max({nmse(Sa, Sb), nmse(da, db), nmse(la, lb)});
    c.tolerance = 1e-24;
    out.push_back(c);
  }
  for (int d : {2, 24}) out.push_back(compare_taep(a, b, size, repeats, d));
  out.push_back(compare_cloning(a, b, size, repeats));
  return out;
}

}  // namespace td
