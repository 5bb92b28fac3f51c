#include "experiments/models.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/convention_check.hpp"
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

json convention_check_json(const ConventionCheck& c) {
  json levels = json::array();
  for (const CheckLevel& l : c.levels)
    levels.push_back({{"t", l.t}, {"sigma_tilde", l.sigma_tilde}, {"loss", l.loss}, {"zero", l.zero}, {"linear", l.linear},
                      {"ratio", l.ratio}, {"excess_se", l.excess_se}, {"worse", l.worse}});
  json j = {{"prediction", c.prediction}, {"samples_per_level", c.samples}, {"levels", levels},
            {"depends_on_t", c.depends_on_t}, {"t_variation", c.t_variation}, {"worse_levels", c.worse_levels},
            {"refused", c.refused}, {"verdict", c.verdict}};
  if (!c.cause.empty()) j["likely_cause"] = c.cause;
  if (!c.warning.empty()) j["warning"] = c.warning;
  j["table"] = check_table(c);
  return j;
}

std::string refusal_message(const std::string& where, const ConventionCheck& c, const std::string& skip) {
  return fmt::format("{} is refused before any work: {}. Its denoising losses on draws of the data (mean per coordinate) "
                     "against the trivial predictors':\n{}Likely cause: {}.\n(The check: docs/models.md#check. If you know "
                     "why, skip it with {}.)",
                     where, c.verdict, check_table(c), c.cause, skip);
}

ConventionCheck check_network(const Network& net, Prediction prediction, const Dataset* data, const Process& process,
                              uint64_t seed, size_t index) {
  const int d = net.dim(), n = check_samples(d), n_fit = std::clamp((1 << 22) / std::max(d, 1), 256, 4096);
  const RngKey noise(seed, Stream::Check, uint32_t(2 * index + 1));
  if (!data) return check_convention(net, prediction, process, Mat::Zero(n, d), Mat::Zero(2, d), noise, kDataFreeSigmaTilde);
  const Mat rows = data->draw(RngKey(seed, Stream::Check, uint32_t(2 * index)), n + n_fit);
  return check_convention(net, prediction, process, rows.topRows(n), rows.bottomRows(n_fit), noise);
}

std::vector<double> probe_times(const ProcessParams& p) { return {p.t_min, 0.5 * (p.t_min + p.T), p.T}; }

json check_models(const std::vector<ModelSpec>& models, const Dataset& data, const ProcessParams& params, uint64_t seed) {
  json out = json::array();
  const Process process(params);
  for (size_t i = 0; i < models.size(); ++i) {
    const ModelSpec& ms = models[i];
    if (!ms.network || !ms.network->torchscript) continue;
    const NetworkModelSpec& ns = *ms.network;
    const std::string where = fmt::format("model '{}' (models[{}].torchscript, {})", ms.name, i, ns.file);
    std::unique_ptr<TorchScriptNet> net;
    try {
      net = std::make_unique<TorchScriptNet>(ns.file, data.dim, probe_times(params));
    } catch (const InputError& e) {
      throw InputError(fmt::format("model '{}' (models[{}].torchscript): {}", ms.name, i, e.what()));
    }
    if (!ns.check) {
      out.push_back({{"model", ms.name}, {"skipped", true}, {"verdict", "not checked (check = false)"}});
      continue;
    }
    ConventionCheck c;
    try {
      c = check_network(*net, ns.prediction, &data, process, seed, i);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("{}: failed on the convention check's draws: {}", where, e.what()));
    }
    if (c.refused) throw InputError(refusal_message(where, c, "check = false in the model's torchscript table"));
    json j = convention_check_json(c);
    j["model"] = ms.name;
    j["skipped"] = false;
    out.push_back(std::move(j));
  }
  return out;
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
