#include "experiments/model_kinds/network_model.hpp"

#include <fmt/format.h>

namespace td {

void refuse_other_kinds(ConfigReader& m, const char* key) {
  m.require(!(m.has("mlp") && m.has("torchscript")), "torchscript", "give either mlp or torchscript, not both");
  m.require(!m.has("ring") && !m.has("mixture") && !m.has("collapse"), key,
            "a network model takes its data from `data`, not ring/mixture/collapse");
}

int read_probes(ConfigReader& m, const ModelRules& rules) {
  const int k = m.int32("hutchinson_probes", rules.default_probes,
      "network models: Rademacher probes per divergence, keyed by trajectory and step (0: exact divergence, d + 1 network passes; default 0 for d <= 64, else 1 in TAEP, 1 in likelihood and information)");
  m.require(k >= 0 && k <= rules.max_probes, "hutchinson_probes",
            fmt::format("must be in [0, {}] (0: exact divergence, d + 1 network passes)", rules.max_probes));
  return k;
}

nlohmann::json network_record(const char* kind, const NetworkModelSpec& ns) {
  return {{"kind", kind},
          {"prediction", prediction_name(ns.prediction)},
          {"divergence", ns.hutchinson_probes > 0 ? "hutchinson" : "exact"},
          {"hutchinson_probes", ns.hutchinson_probes}};
}

}  // namespace td
