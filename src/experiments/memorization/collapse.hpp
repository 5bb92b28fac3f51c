#pragma once
// The memorization experiment's collapse stage (docs/memorization.md §7.4): for one training set,
// t_C^model of each model (the trained network, the exact empirical score) read from the training
// set's posterior entropy along its reverse paths, the training set's own excess-entropy t_C(n, d),
// and each model's cloning curve phi(t) with its split time beside 1/2 ln Lambda.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/types.hpp"
#include "experiments/memorization/config.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

// The models read, by name ("model", "exact"): every one reads the same paths (the run's seed).
using Models = std::vector<std::pair<std::string, const Score*>>;

// Per model t_C^model and its curves; "empirical": the training set's own f^e and t_C(n, d).
nlohmann::json collapse_readings(const MemorizationConfig& c, const Process& p, const Mat& train, const Mat& held,
                                 const Models& models);
// Per model phi(t) on the classes "which side of the training set's top principal axis", its split
// time; Lambda and t_S = 1/2 ln Lambda in the run's clock.
nlohmann::json cloning_readings(const MemorizationConfig& c, const Process& p, const Mat& train, const Models& models);

}  // namespace td
