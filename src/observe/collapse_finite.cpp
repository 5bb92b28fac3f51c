// The collapse curve f^e(t) at finite P and d, computed exactly over data sets (speciation.hpp:
// excess_entropy_finite): the theory that shares the estimator's definition.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "observe/speciation.hpp"
#include "sim/ensemble.hpp"

namespace td {
namespace {

constexpr int kAttempts = 8;  // Marsaglia-Tsang proposals per gamma draw (each accepted with p > 0.98)

// The draws of one sample: its row of the block's normals and uniforms (the first proposal of every
// chi-square), and, for the rare refused proposal, scalar draws of a second key.
struct SampleDraws {
  const Mat& N;
  const Mat& U;
  int row;
  RngKey more_normals, more_uniforms;  // refused proposals: (sample id, node, component)
  uint64_t id, step;
  double n(int j) const { return N(row, j); }
  double u(int j) const { return U(row, j); }
};

// A chi-square of k degrees of freedom, 2 Gamma(k/2), by Marsaglia and Tsang: the first proposal
// (normal x0, uniform u0) from the block, the next ones from the second keys at component
// kAttempts slot + r. Should
// every proposal be refused (below 1e-13 for k >= 6), the last with 1 + c x > 0 is taken.
double chi_square(double k, double x0, double u0, const SampleDraws& s, int slot) {
  const double a = 0.5 * k - 1.0 / 3.0, c = 1.0 / std::sqrt(9 * a);
  double last = a;
  for (int r = 0; r < kAttempts; ++r) {
    const int comp = kAttempts * slot + r;
    const double x = r == 0 ? x0 : normal_at(s.more_normals, s.id, s.step, comp);
    const double w = 1 + c * x;
    if (w <= 0) continue;
    const double v = w * w * w, u = r == 0 ? u0 : uniform_at(s.more_uniforms, s.id, s.step, comp);
    last = a * v;
    if (u < 1 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + a * (1 - v + std::log(v))) return 2 * a * v;
  }
  return 2 * last;
}

// Block columns: the own point's normals (g1, z1, L21, two proposals) and uniforms (two), then per
// other point nu >= 1 its normal along c and a proposal (normals) and its class and the proposal's
// uniform (uniforms).
constexpr int kOwnNormals = 5, kOwnUniforms = 2, kTermNormals = 2, kTermUniforms = 2;

// f^e of one sample at (a, Delta): 1/2 + (1/d) ln sum_nu exp(-|x - a A_nu|^2 / (2 Delta)) with the
// estimator's control variate (|z|^2 - d)/(2d).
double sample_fe(int d, int P, double a, double D, const SampleDraws& s, std::vector<double>& e) {
  // The own point: A_0 = 1 + g0 (class +, by symmetry), x = a A_0 + sqrt(D) z. In a basis whose first
  // vector is 1/sqrt(d): g0 = (g1, G), z = (z1, Z); |G|^2, G.Z, |Z|^2 from a 2 x 2 Wishart (Bartlett).
  const double L11 = std::sqrt(chi_square(d - 1, s.n(3), s.u(0), s, 0));
  const double L22 = std::sqrt(chi_square(d - 2, s.n(4), s.u(1), s, 1));
  const double g1 = s.n(0), z1 = s.n(1), L21 = s.n(2), sD = std::sqrt(D);
  const double gg = g1 * g1 + L11 * L11, zz = z1 * z1 + L21 * L21 + L22 * L22, gz = g1 * z1 + L11 * L21;
  const double ww = a * a * gg + 2 * a * sD * gz + D * zz;  // |w|^2, w = a g0 + sqrt(D) z = x - a 1
  const double u = (a * g1 + sD * z1) * std::sqrt(double(d));  // 1 . w
  // Another point of class s: |x - a (s 1 + g)|^2 = |c_s - a g|^2, c_+ = w, c_- = w + 2 a 1.
  const double c2[2] = {ww, ww + 4 * a * u + 4 * a * a * d};
  const double c[2] = {std::sqrt(c2[0]), std::sqrt(c2[1])};
  e.resize(static_cast<size_t>(P));
  e[0] = -0.5 * zz;  // the own point: |x - a A_0|^2 / (2 D) = |z|^2 / 2
  for (int nu = 1; nu < P; ++nu) {
    const int jn = kOwnNormals + (nu - 1) * kTermNormals, ju = kOwnUniforms + (nu - 1) * kTermUniforms;
    const int cls = s.u(ju) < 0.5 ? 0 : 1;
    const double n1 = s.n(jn), chi = chi_square(d - 1, s.n(jn + 1), s.u(ju + 1), s, 1 + nu);  // g = n1 c/|c| + the rest
    e[size_t(nu)] = -(c2[cls] - 2 * a * c[cls] * n1 + a * a * (n1 * n1 + chi)) / (2 * D);
  }
  const double mx = *std::max_element(e.begin(), e.end());
  double sum = 0;
  for (double v : e) sum += std::exp(v - mx);
  return 0.5 + (mx + std::log(sum)) / d + (zz - d) / (2.0 * d);
}

}  // namespace

CollapseResult excess_entropy_finite(const Process& p, int d, int P, const std::vector<double>& t, int samples,
                                     uint64_t seed, double threshold, int bootstrap) {
  if (d < 8 || P < 2 || samples < 2)  // d >= 8: every chi-square's gamma shape >= 3 (Marsaglia-Tsang accepts > 98%)
    throw InputError(fmt::format("excess entropy (finite P, d): need d >= 8, P >= 2, samples >= 2 (got {}, {}, {})", d, P, samples));
  CollapseResult r;
  r.t = t;
  r.threshold = threshold;
  r.bootstrap = bootstrap;
  const int normals = kOwnNormals + (P - 1) * kTermNormals, uniforms = kOwnUniforms + (P - 1) * kTermUniforms;
  std::vector<std::vector<double>> per_node(t.size(), std::vector<double>(size_t(samples)));
  for (size_t k = 0; k < t.size(); ++k) {
    const double a = p.alpha(t[k]), D = p.sigma2(t[k]);
    std::vector<double>& f = per_node[k];
    const RngKey key(seed, Stream::CollapseFinite), more_n(seed, Stream::CollapseFinite, 2), more_u(seed, Stream::CollapseFinite, 3);
    const auto block = [&](const uint64_t* ids, int n, int nv, int64_t first) {
      thread_local Mat N, U;  // one row of draws per sample, keyed by (sample id, node); kept between blocks
      thread_local std::vector<double> e;
      normal_block(key, ids, n, 2 * k, normals, N);
      uniform_block(key, ids, n, 2 * k + 1, uniforms, U);
      for (int i = 0; i < nv; ++i)
        f[size_t(first + i)] = sample_fe(d, P, a, D, SampleDraws{N, U, i, more_n, more_u, ids[i], k}, e);
    };
    distributed_ensemble({samples, kLanes}, [&](const EnsembleSpec& part) { parallel_blocks(part, block); },
                         {items(f, 0, samples)});
  }
  summarize_collapse(per_node, d, P, {seed, Stream::CollapseFinite, 1}, r);
  return r;
}

}  // namespace td
