// thermodiff.Score: any score model the engine evaluates — a mixture's exact score or a TorchScript
// model read through the model contract (docs/models.md#contract) — on numpy arrays.
#include <fmt/format.h>

#include <memory>

#include "bindings.hpp"
#include "core/error.hpp"
#include "data/dataset.hpp"
#include "experiments/models.hpp"
#include "nn/convention_check.hpp"
#include "nn/network.hpp"
#include "nn/torchscript_net.hpp"
#include "score/mixture_score.hpp"
#include "score/score.hpp"

namespace td::py {

ScoreResult evaluate_at(const Score& s, const Mat& X, const pb::object& t, Divergence div, const char* who,
                        bool log_density) {
  if (X.cols() != s.dim())
    throw InputError(fmt::format("{}: x has {} columns, the model's dimension is {} (x is [n, d])", who, X.cols(), s.dim()));
  ScoreResult out;
  if (pb::isinstance<pb::float_>(t) || pb::isinstance<pb::int_>(t)) {
    s.evaluate({.X = X, .t = t.cast<double>(), .divergence = div, .log_density = log_density}, out);
    return out;
  }
  const Vec times = t.cast<Vec>();
  if (times.size() != X.rows())
    throw InputError(fmt::format("{}: t has {} entries for {} rows of x (one time, or one per row)", who, times.size(), X.rows()));
  s.evaluate({.X = X, .times = &times, .divergence = div, .log_density = log_density}, out);
  return out;
}

void add_models(pb::module_& m) {
  pb::class_<Score, std::shared_ptr<Score>>(m, "Score", "A score model s(x, t) the engine evaluates")
      .def_property_readonly("dim", &Score::dim)
      .def("describe", &Score::describe)
      .def_property_readonly(
          "capabilities",
          [](const Score& s) {
            std::vector<std::string> c;
            const unsigned bits = s.capabilities();
            for (auto [bit, name] : {std::pair{kExactDivergence, "exact_divergence"}, {kHutchinson, "hutchinson"},
                                     {kLogDensity, "log_density"}, {kJacobian, "jacobian"}})
              if (bits & bit) c.push_back(name);
            return c;
          },
          "What the score computes beyond s(x, t): exact_divergence, hutchinson, log_density, jacobian.")
      .def(
          "score",
          [](const Score& s, const Mat& X, const pb::object& t) {
            return evaluate_at(s, X, t, Divergence::None, "Score.score").score;
          },
          pb::arg("x"), pb::arg("t"), "s(x, t) at the rows of x [n, d]; t one time or one per row.")
      .def(
          "divergence",
          [](const Score& s, const Mat& X, const pb::object& t) {
            require_support(s, Divergence::Exact, "Score.divergence");
            return evaluate_at(s, X, t, Divergence::Exact, "Score.divergence").div;
          },
          pb::arg("x"), pb::arg("t"), "The exact divergence of s at the rows of x.");
  m.def(
      "model_kinds",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const ModelKindInfo& k : model_kinds()) out.emplace_back(k.kind, k.summary);
        return out;
      },
      "The kinds a [[models]] entry can be (kind, summary), in the order an entry's keys select them.");
  m.def(
      "mixture_score",
      [](const GaussianMixture& gm, const Process& p) -> std::shared_ptr<Score> {
        return std::make_shared<MixtureScore>(gm, p);
      },
      pb::arg("mixture"), pb::arg("process"), "The exact score of a mixture's marginals under a process.");
  m.def(
      "torchscript_score",
      [](const std::string& file, const std::string& prediction, const Process& p, int d,
         const std::string& name) -> std::shared_ptr<Score> {
        const Prediction pred = parse_prediction(prediction);
        pb::gil_scoped_release free;  // loading probes the model (LibTorch, no Python)
        auto net = std::make_shared<TorchScriptNet>(file, d, probe_times(p.params()));
        return std::make_shared<NetworkScore>(net, p, pred, name);
      },
      pb::arg("file"), pb::arg("prediction"), pb::arg("process"), pb::arg("dim"), pb::arg("name") = "model",
      "A TorchScript model file read through the model contract: forward(x[n, d], t[n]) -> prediction.");
  m.def(
      "check_convention",
      [](const std::string& file, const std::string& prediction, const Process& p, int d, const std::optional<Mat>& data,
         uint64_t seed, const std::string& name) -> std::string {
        const Prediction pred = parse_prediction(prediction);
        std::optional<Dataset> rows;
        if (data) {
          if (data->cols() != d || data->rows() < 2)
            throw InputError(fmt::format("check: data is [{}, {}]; the model's data are [n >= 2, {}]", data->rows(), data->cols(), d));
          rows = points_dataset(*data, 0, "the data given");
        }
        pb::gil_scoped_release free;  // LibTorch and the engine only
        const TorchScriptNet net(file, d, probe_times(p.params()));
        const ConventionCheck c = check_network(net, pred, rows ? &*rows : nullptr, p, seed, 0);
        nlohmann::json j = convention_check_json(c);
        j["data"] = data ? "random rows of the data given" : "none: the noise end only (x_0 = 0), sigma~ >= 20";
        if (c.refused) j["message"] = refusal_message(name, c, "check=False in thermodiff.export");
        return j.dump();
      },
      pb::arg("file"), pb::arg("prediction"), pb::arg("process"), pb::arg("dim"), pb::arg("data") = pb::none(),
      pb::arg("seed") = 1, pb::arg("name") = "the model",
      "The convention check (docs/models.md#check) of a TorchScript model on rows of data [n, d] (None: the noise end "
      "only), as JSON text; 'message' holds the refusal when it is refused.");
}

}  // namespace td::py
