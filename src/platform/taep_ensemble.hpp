#pragma once
// The TAEP ensemble on a platform's fused kernel (sim/fused_taep.hpp): what the cuda platform's
// taep_ensemble runs on the GPU. It applies when the target and every model are exact mixture scores
// under the Ito product; the result is run_taep's, trajectory for trajectory
// (tests/platform/test_taep_ensemble.cpp).
#include <string>
#include <vector>

#include "observe/taep.hpp"
#include "platform/platform.hpp"

namespace td {

// "" when the fused kernel computes this TAEP, else why not (for the log and results.json).
std::string fused_taep_unsupported(const Score& target, const std::vector<const Score*>& models, const TaepOptions& opt);

// run_taep's result for the trajectories of spec's range (the others left empty, as run_taep's),
// x_{t_min} from the target's marginal sampler with key `init` (step 0) and the forward noise `noise`.
std::vector<TaepTrajectories> run_taep_fused(const Platform& platform, const Process& process, const TimeGrid& grid,
                                             const Score& target, const std::vector<const Score*>& models,
                                             const EnsembleSpec& spec, const RngKey& init, const RngKey& noise);

}  // namespace td
