#pragma once
// Readers shared by the experiment configs: a process table and a data distribution (ring or
// explicit mixture). Errors name the file and key (ConfigReader).
#include <optional>

#include "data/mixture.hpp"
#include "experiments/config_reader.hpp"
#include "process/process.hpp"

namespace td {

// kind = "vp" | "ou" | "ve" | "ve_song" | "edm" and its parameters (docs/config.md#process).
// `default_kind` when the table names none (an absent [process] is read as an empty table).
ProcessParams read_process(ConfigReader r, ProcessKind default_kind = ProcessKind::VP);
// ring = {K, radius, std, dim}: K equal modes on a circle (ring_K gets K).
GaussianMixture read_ring(ConfigReader r, int& K_out);
// mixture = {weights, means, std | var}.
GaussianMixture read_mixture(ConfigReader r);
// Exactly one of ring / mixture in table r; nothing when neither is given and not required.
std::optional<GaussianMixture> read_distribution(ConfigReader& r, bool required, int& ring_K);

}  // namespace td
