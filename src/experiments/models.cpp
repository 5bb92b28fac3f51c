#include "experiments/models.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <type_traits>
#include <variant>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/convention_check.hpp"
#include "nn/network.hpp"
#include "score/dataset_score.hpp"
#include "nn/torchscript_net.hpp"
#include "score/mixture_score.hpp"
#include "score/perturbed_score.hpp"

namespace td {

using json = nlohmann::json;

std::shared_ptr<const Score> build_model(const ModelSpec& ms, const Dataset& data, const std::string& data_name,
                                         const std::shared_ptr<const Score>& data_exact, const Process& process,
                                         uint64_t seed, const RunContext& ctx, json& info) {
  const ModelBuildContext c{ms.name, data, data_name, data_exact, process, seed, ctx, info};
  std::shared_ptr<const Score> s = std::visit([&](const auto& b) -> std::shared_ptr<const Score> {
    if constexpr (std::is_same_v<std::decay_t<decltype(b)>, std::monostate>)
      throw InputError(fmt::format("model '{}' was not read", ms.name));
    else return b.build(c);
  }, ms.body);
  if (ms.perturb) s = std::make_shared<PerturbedScore>(s, ms.perturb->kind, ms.perturb->eps);
  return s;
}

std::shared_ptr<const Score> build_case_model(const DataCase& cs, const ModelSpec& ms, const Process& process, uint64_t seed,
                                              const RunContext& ctx, json& rec) {
  json info;
  ModelSpec named = ms;
  named.name = cs.name + "." + ms.name;
  auto s = build_model(named, *cs.data, cs.data->description, exact_score(*cs.data, process), process, seed, ctx, info);
  if (!info.is_null()) rec["training"] = info;
  return s;
}

json check_case_models(const CasesConfig& c) {
  json all = json::array();
  for (const DataCase& k : c.cases)
    for (const json& x : check_models(k.models, *k.data, c.process, c.seed)) all.push_back(x);
  return all;
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
    const TorchScriptModel* ts = ms.as<TorchScriptModel>();
    if (!ts) continue;
    const std::string where = fmt::format("model '{}' (models[{}].torchscript, {})", ms.name, i, ts->file);
    std::unique_ptr<TorchScriptNet> net;
    try {
      net = std::make_unique<TorchScriptNet>(ts->file, data.dim, probe_times(params));
    } catch (const InputError& e) {
      throw InputError(fmt::format("model '{}' (models[{}].torchscript): {}", ms.name, i, e.what()));
    }
    if (!ts->check) {
      out.push_back({{"model", ms.name}, {"skipped", true}, {"verdict", "not checked (check = false)"}});
      continue;
    }
    ConventionCheck c;
    try {
      c = check_network(*net, ts->net.prediction, &data, process, seed, i);
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
  const MlpModel* mlp = ms.as<MlpModel>();
  if (!mlp || !mlp->data || ms.perturb) return nullptr;
  const Dataset& own = mlp->data->data;
  if (own.kind != DataKind::Mixture) return nullptr;
  return std::make_shared<MixtureScore>(*own.law, process);
}

}  // namespace td
