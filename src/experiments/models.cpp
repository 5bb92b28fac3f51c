#include "experiments/models.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/network.hpp"
#include "nn/torchscript_net.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"

namespace td {

using json = nlohmann::json;

std::shared_ptr<const Score> build_model(const ModelSpec& ms, const Dataset& data, const std::string& data_name,
                                         const std::shared_ptr<const Score>& data_exact, const Process& process,
                                         uint64_t seed, const RunContext& ctx, json& info) {
  std::shared_ptr<const Score> s;
  if (ms.network && ms.network->torchscript) {
    s = std::make_shared<NetworkScore>(std::make_shared<TorchScriptNet>(ms.network->file, data.dim, std::vector<double>{process.t_min()}), process,
                                       ms.network->prediction, ms.name);
  } else if (ms.network) {
    const NetworkModelSpec& ns = *ms.network;
    const Dataset& train_on = ns.data ? ns.data->data : data;
    const std::string source =
        !ns.data ? data_name : train_on.kind == DataKind::Mixture ? "mixture (see config)" : train_on.description;
    // Train stream steps 0 and 1 are the DSM loop's times and noise: the data at steps 2 and 3.
    s = train_mlp_score(ms.name, ns.mlp, ns.train, process, train_on.sampler({seed, Stream::Train}, 2), source, seed, ctx, info);
  } else if (ms.mixture) {
    s = std::make_shared<MixtureScore>(*ms.mixture, process);
  } else {
    if (!data_exact) throw InputError(fmt::format("model '{}': {} has no exact score", ms.name, data.description));
    s = data_exact;
  }
  if (ms.perturb) s = std::make_shared<PerturbedScore>(s, ms.perturb->kind, ms.perturb->eps);
  return s;
}

std::vector<double> probe_times(const ProcessParams& p) { return {p.t_min, 0.5 * (p.t_min + p.T), p.T}; }

void probe_models(const std::vector<ModelSpec>& models, int d, const ProcessParams& process) {
  for (size_t i = 0; i < models.size(); ++i)
    if (const ModelSpec& ms = models[i]; ms.network && ms.network->torchscript) {
      try {
        TorchScriptNet(ms.network->file, d, probe_times(process));
      } catch (const InputError& e) {
        throw InputError(fmt::format("model '{}' (models[{}].torchscript): {}", ms.name, i, e.what()));
      }
    }
}

std::shared_ptr<const Score> companion_score(const ModelSpec& ms, const Process& process) {
  if (!ms.network || ms.network->torchscript || !ms.network->data || ms.perturb) return nullptr;
  const Dataset& own = ms.network->data->data;
  if (own.kind != DataKind::Mixture) return nullptr;
  return std::make_shared<MixtureScore>(*own.law, process);
}

json network_json(const NetworkModelSpec& ns) {
  json j = {{"kind", ns.torchscript ? "torchscript" : "mlp"},
            {"prediction", prediction_name(ns.prediction)},
            {"divergence", ns.hutchinson_probes > 0 ? "hutchinson" : "exact"},
            {"hutchinson_probes", ns.hutchinson_probes}};
  if (ns.torchscript) j["file"] = ns.file;
  else j["mlp"] = {{"width", ns.mlp.width}, {"hidden", ns.mlp.hidden}, {"embed", ns.mlp.embed}};
  return j;
}

}  // namespace td
