#pragma once
// What every neural model kind (mlp, torchscript) has: its prediction type and divergence.
#include "experiments/model_kinds/model_kind.hpp"
#include "nn/network.hpp"

namespace td {

// Up to this dimension divergences are exact by default (a network's exact trace costs d passes;
// the variance Hutchinson probes add is not worth saving that): docs/models.md, docs/likelihood.md#defaults.
constexpr int kExactDivergenceDim = 64;
// A network model's hutchinson_probes default: 0 (exact) up to kExactDivergenceDim, else 1.
inline int default_network_probes(int d) { return d <= kExactDivergenceDim ? 0 : 1; }

struct NetworkModelSpec {
  Prediction prediction = Prediction::Eps;
  int hutchinson_probes = 0;  // divergence: 0 = exact, k = Hutchinson with k probes
};

// Refuses the keys of the other kinds in a network model's entry (`key`: mlp or torchscript).
void refuse_other_kinds(ConfigReader& m, const char* key);
// hutchinson_probes of a network model's entry, within the rules.
int read_probes(ConfigReader& m, const ModelRules& rules);
// results.json's record of a network model: kind, prediction, divergence (the kind adds its own).
nlohmann::json network_record(const char* kind, const NetworkModelSpec& ns);

}  // namespace td
