#pragma once
// Builds the scores of [[models]] entries (experiments/model_config.hpp), the same way in every
// experiment: the data's exact score, a mixture's, an MLP trained here (DSM on its own data or the
// experiment's), a TorchScript file; then the perturbation.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.hpp"
#include "experiments/case_config.hpp"
#include "experiments/experiment_common.hpp"
#include "experiments/model_config.hpp"
#include "process/process.hpp"
#include "nn/network.hpp"
#include "score/score.hpp"

namespace td {

// `data_exact` is the experiment's exact score of `data` (shared by exact models; null when the data
// has none); `data_name` names the data in a training record. `info` gets the training record.
std::shared_ptr<const Score> build_model(const ModelSpec& ms, const Dataset& data, const std::string& data_name,
                                         const std::shared_ptr<const Score>& data_exact, const Process& process,
                                         uint64_t seed, const RunContext& ctx, nlohmann::json& info);

// A [[cases]] entry's model, built as above on its case's data; its training checkpoint is named
// CASE.MODEL (model names repeat across cases) and `rec` gets its training record.
std::shared_ptr<const Score> build_case_model(const DataCase& cs, const ModelSpec& ms, const Process& process, uint64_t seed,
                                              const RunContext& ctx, nlohmann::json& rec);

// Loads every TorchScript model of `models`, checks its contract (docs/models.md#contract) on a
// probe batch at the process's t_min, middle and T, and its convention on draws of `data`
// (nn/convention_check, docs/models.md#check; not where its table says check = false): run at
// validation, before any work. InputError when a model is refused, with the check's table and the
// likely cause. Returns one record per TorchScript model (results.json's model_checks).
nlohmann::json check_models(const std::vector<ModelSpec>& models, const Dataset& data, const ProcessParams& process,
                            uint64_t seed);
// check_models for every case, each on its own data.
nlohmann::json check_case_models(const CasesConfig& c);
// The times a TorchScript model is probed at: the process's t_min, middle and T.
std::vector<double> probe_times(const ProcessParams& p);

// The convention check of a loaded network (nn/convention_check) on random draws of `data`, keyed
// by (seed, the model's index); without data (null), on the noise end only, with data x_0 = 0.
struct ConventionCheck;
ConventionCheck check_network(const Network& net, Prediction prediction, const Dataset* data, const Process& process,
                              uint64_t seed, size_t index);
// results.json's record of a convention check, and the error that refuses a model (`where` names
// it, `skip` says how to skip the check).
nlohmann::json convention_check_json(const ConventionCheck& c);
std::string refusal_message(const std::string& where, const ConventionCheck& c, const std::string& skip);

// For an MLP trained on its own mixture: the exact score of that mixture, what a perfectly trained
// network would give (null for every other model).
std::shared_ptr<const Score> companion_score(const ModelSpec& ms, const Process& process);

}  // namespace td
