#include "sim/edm_samplers.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sim/ensemble.hpp"

namespace td {

const std::vector<std::string>& edm_sampler_names() {
  static const std::vector<std::string> n = {"euler", "heun", "stochastic"};
  return n;
}

EdmSampler parse_edm_sampler(const std::string& name) {
  if (name == "euler") return EdmSampler::Euler;
  if (name == "heun") return EdmSampler::Heun;
  if (name == "stochastic") return EdmSampler::Stochastic;
  throw InputError(fmt::format("unknown sampler '{}': euler (DDIM), heun (EDM Algorithm 1) or stochastic (EDM Algorithm 2)", name));
}

std::string edm_sampler_name(EdmSampler s) { return edm_sampler_names()[size_t(s)]; }

int edm_sampler_passes(EdmSampler s, int n) { return s == EdmSampler::Euler ? n : 2 * n - 1; }

namespace {

// K = -sigma_r s(Y_r, sigma_r) per row r: dx/dsigma.
void velocity(const Score& score, const Mat& Y, const Vec& sigma, Mat& K) {
  ScoreResult r;
  score.evaluate(ScoreRequest{.X = Y, .times = &sigma}, r);
  K = std::move(r.score);
  K.array().colwise() *= (-sigma).array();
}

}  // namespace

void edm_level_step(const Score& score, EdmSampler sampler, const Mat& X, const Mat& Z, const Vec& sigma, const Vec& next,
                const Vec& gamma, double noise, Mat& Xn) {
  Mat K1, K2;
  if (sampler == EdmSampler::Euler) {
    velocity(score, X, sigma, K1);
    Xn = X.array() + K1.array().colwise() * (next - sigma).array();
    return;
  }
  Vec from = sigma;
  Mat Y = X;
  for (Eigen::Index r = 0; r < X.rows(); ++r)
    if (gamma[r] > 0) {
      from[r] = sigma[r] * (1 + gamma[r]);
      Y.row(r) = X.row(r) + (std::sqrt(from[r] * from[r] - sigma[r] * sigma[r]) * noise) * Z.row(r);
    }
  const Vec h = next - from;
  velocity(score, Y, from, K1);
  const Mat Yp = Y.array() + K1.array().colwise() * h.array();
  velocity(score, Yp, from + h, K2);
  Xn = Y.array() + (K1 + K2).array().colwise() * (0.5 * h).array();
}

namespace {

void check_levels(const std::vector<std::vector<double>>& levels, const EdmChurn& ch) {
  if (levels.empty()) throw InputError("EDM sampler: no schedules");
  for (size_t j = 0; j < levels.size(); ++j) {
    const std::vector<double>& sg = levels[j];
    if (sg.size() < 2) throw InputError("EDM sampler: needs at least two noise levels");
    if (sg.size() != levels[0].size())
      throw InputError(fmt::format("EDM sampler: schedule {} has {} levels, schedule 0 has {} (sampled together, they must agree)",
                                   j, sg.size(), levels[0].size()));
    for (size_t i = 0; i < sg.size(); ++i)
      if (!(sg[i] > 0) || (i > 0 && !(sg[i] < sg[i - 1])))
        throw InputError(fmt::format("EDM sampler: schedule {}: noise levels must be positive and descending (level {} = {})", j, i, sg[i]));
  }
  if (!(ch.churn >= 0) || !(ch.noise > 0)) throw InputError("EDM sampler: churn must be >= 0 and its noise > 0");
}

}  // namespace

std::vector<Mat> sample_schedules(const Score& score, const std::vector<std::vector<double>>& levels, EdmSampler sampler,
                                  int samples, uint64_t seed, const EdmChurn& ch, uint32_t replicate) {
  check_levels(levels, ch);
  const int d = score.dim(), S = int(levels.size()), N = int(levels[0].size());
  const double gamma = sampler == EdmSampler::Stochastic ? std::min(ch.churn / double(N - 1), std::sqrt(2.0) - 1) : 0.0;
  std::vector<Mat> out(size_t(S), Mat(samples, d));
  // About 256 rows in all per block, whatever the number of schedules (the working set stays in
  // cache; results do not depend on the block size).
  const int block = std::max(kLanes, 256 / S / kLanes * kLanes);
  parallel_blocks({samples, block}, [&](const uint64_t* ids, int n, int nv, int64_t first) {
    // Rows j n .. (j + 1) n - 1 follow schedule j.
    Mat Z0, X(S * n, d), Xn, Z(S * n, d);
    Vec sigma(S * n), next(S * n), g(S * n);
    normal_block({seed, Stream::Prior, replicate}, ids, n, 0, d, Z0);
    for (int j = 0; j < S; ++j) X.middleRows(j * n, n) = Z0 * levels[size_t(j)][0];
    for (int i = 0; i + 1 < N; ++i) {
      bool churn = false;
      for (int j = 0; j < S; ++j) {
        const double s = levels[size_t(j)][size_t(i)];
        const bool c = gamma > 0 && s >= ch.t_min && s <= ch.t_max;
        churn = churn || c;
        sigma.segment(j * n, n).setConstant(s);
        next.segment(j * n, n).setConstant(levels[size_t(j)][size_t(i) + 1]);
        g.segment(j * n, n).setConstant(c ? gamma : 0.0);
      }
      if (churn) {
        normal_block({seed, Stream::Reverse, replicate}, ids, n, uint64_t(i), d, Z0);
        for (int j = 0; j < S; ++j) Z.middleRows(j * n, n) = Z0;
      }
      edm_level_step(score, sampler, X, Z, sigma, next, g, ch.noise, Xn);
      X.swap(Xn);
    }
    // Euler from sigma_min to 0: x - (0 - s)(-s score) = Tweedie's mean.
    for (int j = 0; j < S; ++j) sigma.segment(j * n, n).setConstant(levels[size_t(j)].back());
    ScoreResult r;
    score.evaluate(ScoreRequest{.X = X, .times = &sigma}, r);
    for (int j = 0; j < S; ++j) {
      const double s = levels[size_t(j)].back();
      out[size_t(j)].middleRows(first, nv) = (X.middleRows(j * n, n) + (s * s) * r.score.middleRows(j * n, n)).topRows(nv);
    }
  });
  return out;
}

Mat sample_edm_heun(const Score& score, const std::vector<double>& sigmas, int samples, uint64_t seed, const EdmChurn& churn,
                    uint32_t replicate) {
  return sample_schedules(score, {sigmas}, churn.churn > 0 ? EdmSampler::Stochastic : EdmSampler::Heun, samples, seed, churn,
                          replicate)[0];
}

}  // namespace td
