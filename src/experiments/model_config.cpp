#include "experiments/model_config.hpp"

#include <cctype>
#include <set>

#include <fmt/format.h>

#include "core/rng.hpp"
#include "experiments/distribution_config.hpp"
#include "experiments/network_config.hpp"

namespace td {

std::string ModelSpec::kind() const {
  if (network) return network->torchscript ? "torchscript" : "mlp";
  return mixture ? "mixture" : "exact";
}

namespace {

void check_name(ConfigReader& m, const std::string& name, std::set<std::string>& names) {
  m.require(!name.empty(), "name", "must not be empty");
  // Names become file names (taep_NAME.csv, checkpoints): within any file system's 255 bytes.
  m.require(name.size() <= 100, "name", fmt::format("has {} characters, at most 100", name.size()));
  m.require(names.insert(name).second, "name", fmt::format("'{}' is used by two models", name));
  for (char ch : name)
    m.require(std::isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.', "name",
              fmt::format("'{}' may contain only letters, digits, '-', '_' and '.'", name));
}

NetworkModelSpec read_network(ConfigReader& m, bool torchscript, const Dataset& data, const MlpSpec& mlp_defaults,
                              const TrainSpec& train_defaults, uint64_t seed) {
  NetworkModelSpec ns;
  ns.torchscript = torchscript;
  m.require(!m.has("ring") && !m.has("mixture") && !m.has("collapse"), torchscript ? "torchscript" : "mlp",
            "a network model takes its data from `data`, not ring/mixture/collapse");
  if (torchscript) {
    m.require(!m.has("data") && !m.has("training"), m.has("data") ? "data" : "training",
              "a TorchScript model is not trained here: it takes no data or training");
    ConfigReader t = m.table("torchscript",
        "this model is a user's TorchScript file { file, prediction }: forward(x [n, d] float32, t [n] float32) -> [n, d]");
    ns.file = t.path("file", kRequired, "the TorchScript module (torch.jit.save), relative to the config file");
    ns.prediction = parse_prediction_key(t, "prediction");
    ns.check = t.boolean("check", true,
        "check before any work that the model denoises the run's data in its declared prediction and time better than a "
        "trivial predictor, naming the likely convention error when it does not (docs/models.md#check); false skips it");
    t.finish();
    return ns;
  }
  ConfigReader a = m.table("mlp",
      "this model is an MLP trained in the run { width, hidden, embed, prediction } (top-level mlp gives defaults)");
  ns.mlp = read_mlp(a, mlp_defaults);
  ns.mlp.d = data.dim;
  ns.prediction = ns.mlp.prediction;
  if (auto dt = m.optional_table("data",
      "an MLP's own training data: any data table (ring + collapse, mixture, points, file, kind) (default: the experiment's data)")) {
    ns.data = read_data(*dt, DataRules{.collapse = true}, seed);
    const Dataset& own = ns.data->data;
    const char* key = dt->has("ring") ? "ring" : dt->has("mixture") ? "mixture" : dt->has("kind") ? "kind" : "file";
    dt->require(own.dim == data.dim, key, fmt::format("data dimension {} differs from the experiment's {}", own.dim, data.dim));
    dt->finish();
  }
  ns.train = train_defaults;
  if (auto tr = m.optional_table("training",
      "this model's training (top-level training gives defaults)")) ns.train = read_training(*tr, train_defaults, false);
  return ns;
}

}  // namespace

std::vector<ModelSpec> read_models(ConfigReader& r, const Dataset& data, const MlpSpec& mlp_defaults,
                                   const TrainSpec& train_defaults, const ModelRules& rules, uint64_t seed) {
  auto models = r.table_array("models", "one [[models]] entry per model score");
  if (models.empty()) r.fail("models", "missing: at least one [[models]] entry is required");
  // Each model (and its exact-field companion) has its own random substreams (core/rng.hpp).
  if (models.size() > kMaxSubstream / 2) r.fail("models", fmt::format("{} models: at most {}", models.size(), kMaxSubstream / 2));
  const bool data_has_exact = data.law.has_value() || data.synthetic.has_value();
  std::set<std::string> names;
  std::vector<ModelSpec> out;
  for (auto& m : models) {
    ModelSpec ms;
    ms.name = m.string("name", kRequired, "letters, digits, -, _, .; unique");
    check_name(m, ms.name, names);
    const bool mlp = m.has("mlp"), ts = m.has("torchscript");
    m.require(!(mlp && ts), "torchscript", "give either mlp or torchscript, not both");
    if (mlp || ts) {
      ms.network = read_network(m, ts, data, mlp_defaults, train_defaults, seed);
      if (ms.network->data && ms.network->data->collapse) {  // trained on a collapsed ring: the report's series
        ms.collapse = ms.network->data->collapse;
        ms.collapse_K = ms.network->data->ring_K;
      }
      ms.network->hutchinson_probes = m.int32("hutchinson_probes", rules.default_probes,
          "network models: Rademacher probes per divergence, keyed by trajectory and step (0: exact divergence, d + 1 network passes; default 0 for d <= 64, else 1 in TAEP, 1 in likelihood and information)");
      m.require(ms.network->hutchinson_probes >= 0 && ms.network->hutchinson_probes <= rules.max_probes, "hutchinson_probes",
                fmt::format("must be in [0, {}] (0: exact divergence, d + 1 network passes)", rules.max_probes));
    } else {
      int K = 0;
      ms.mixture = read_distribution(m, false, K);
      if (ms.mixture) {
        if ((ms.collapse = read_collapse(m, K))) {
          ms.mixture->weights = collapse_weights(K, ms.collapse->first, ms.collapse->second);
          ms.collapse_K = K;
        }
        m.require(ms.mixture->dim() == data.dim, m.has("ring") ? "ring" : "mixture",
                  fmt::format("model dimension {} differs from the target's {}", ms.mixture->dim(), data.dim));
      } else {
        m.require(!m.has("collapse"), "collapse", "needs the ring (collapse reweights the ring's K modes)");
        m.require(data_has_exact, "name",
                  fmt::format("model '{}' names no kind (mlp, torchscript, ring or mixture), so it is the data's exact "
                              "score, but {} has none (an image set read from files: use its empirical law)",
                              ms.name, data.description));
      }
    }
    if (auto p = m.optional_table("perturb",
        "{ kind = scale | rotate, eps }: (1 + eps) s, or s + eps Omega s (divergence-free)")) {
      PerturbSpec ps;
      const std::string kind = p->string("kind", kRequired, "scale or rotate");
      p->require(kind == "scale" || kind == "rotate", "kind", fmt::format("'{}' is not scale or rotate", kind));
      ps.kind = kind == "scale" ? PerturbKind::Scale : PerturbKind::Rotate;
      ps.eps = p->number("eps", kRequired, "size of the perturbation");
      if (ps.kind == PerturbKind::Rotate) p->require(data.dim >= 2, "kind", "rotate needs dimension >= 2");
      p->finish();
      ms.perturb = ps;
    }
    if (rules.report_keys) {
      ms.series = m.string("series", "", "group models into a curve of the report");
      if (m.has("x")) ms.x = m.number("x", kRequired, "the model's abscissa in its series");
    }
    m.finish();
    out.push_back(std::move(ms));
  }
  return out;
}

}  // namespace td
