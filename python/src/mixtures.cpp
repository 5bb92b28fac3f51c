// thermodiff.Mixture: Gaussian mixtures (docs/mixtures.md) with their exact score, divergence and
// log-density under a process, and exact samples of p_t drawn with the engine's keyed randomness.
#include <fmt/format.h>

#include "bindings.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/mixture.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/distribution_config.hpp"
#include "observe/sm_objective.hpp"
#include "score/mixture_score.hpp"

namespace td::py {
namespace {

GaussianMixture mixture_from_json(const std::string& json_text) {
  const toml::table t = table_from_json(json_text, "Mixture");
  ConfigReader r(t, "Mixture");
  int K = 0;
  GaussianMixture gm = *read_distribution(r, true, K);
  r.finish();
  return gm;
}

// Ids first .. first + n - 1, padded to a multiple of kLanes as the engine's blocks are: the
// vector draws need it, and a padded batch draws each id's numbers exactly as the engine does.
std::vector<uint64_t> ids_from(int64_t first, int64_t n) {
  if (n < 0 || first < 0) throw InputError(fmt::format("sample: n = {} and first = {} must not be negative", n, first));
  std::vector<uint64_t> ids(static_cast<size_t>((n + kLanes - 1) / kLanes * kLanes));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = uint64_t(first) + i;
  return ids;
}

}  // namespace

Stream stream_named(const std::string& name) {
  static const std::vector<std::pair<std::string, Stream>> all = {
      {"init", Stream::Init},       {"forward", Stream::Forward},   {"reverse", Stream::Reverse},
      {"prior", Stream::Prior},     {"data", Stream::Data},         {"test", Stream::Test},
      {"entropy", Stream::Entropy}, {"user", Stream::User},         {"exact_mc", Stream::ExactMC}};
  std::string names;
  for (const auto& [n, s] : all) {
    if (n == name) return s;
    names += (names.empty() ? "" : ", ") + n;
  }
  throw InputError(fmt::format("stream '{}': expected one of {}", name, names));
}

void add_mixtures(pb::module_& m) {
  pb::class_<GaussianMixture>(m, "Mixture", "A Gaussian mixture sum_k w_k N(mu_k, diag(var_k))")
      .def(pb::init(&mixture_from_json), pb::arg("json"))
      .def_readonly("weights", &GaussianMixture::weights)
      .def_readonly("means", &GaussianMixture::means)
      .def_readonly("vars", &GaussianMixture::vars)
      .def_property_readonly("dim", &GaussianMixture::dim)
      .def_property_readonly("K", &GaussianMixture::K)
      .def(
          "score",
          [](const GaussianMixture& gm, const Process& p, const Mat& X, const pb::object& t) {
            return evaluate_at(MixtureScore(gm, p), X, t, Divergence::None, "Mixture.score").score;
          },
          pb::arg("process"), pb::arg("x"), pb::arg("t"), "The exact score grad log p_t at the rows of x [n, d].")
      .def(
          "divergence",
          [](const GaussianMixture& gm, const Process& p, const Mat& X, const pb::object& t) {
            return evaluate_at(MixtureScore(gm, p), X, t, Divergence::Exact, "Mixture.divergence").div;
          },
          pb::arg("process"), pb::arg("x"), pb::arg("t"), "The exact divergence of the score at the rows of x.")
      .def(
          "log_density",
          [](const GaussianMixture& gm, const Process& p, const Mat& X, const pb::object& t) {
            return evaluate_at(MixtureScore(gm, p), X, t, Divergence::None, "Mixture.log_density", true).log_density;
          },
          pb::arg("process"), pb::arg("x"), pb::arg("t"), "ln p_t at the rows of x [nats].")
      .def(
          "sample",
          [](const GaussianMixture& gm, const Process& p, double t, int64_t n, uint64_t seed, const std::string& stream,
             int64_t first, uint64_t step) {
            const std::vector<uint64_t> ids = ids_from(first, n);
            Mat X;
            mixture_marginal_sampler(gm, p, RngKey(seed, stream_named(stream)))(t, ids.data(), int(ids.size()), step, X);
            return Mat(X.topRows(n));
          },
          pb::arg("process"), pb::arg("t"), pb::arg("n"), pb::arg("seed"), pb::arg("stream") = "init",
          pb::arg("first") = 0, pb::arg("step") = 0,
          "Exact samples of p_t for ids first..first+n-1, keyed by (seed, stream, id, step) as in the engine.");
}

}  // namespace td::py
