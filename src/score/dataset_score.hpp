#pragma once
// The exact score of a data distribution, when it has one (docs: mixtures §1, uniform and
// Gaussian images §3): the mixture score of its law (analytic or empirical), the closed forms of
// synthetic images. None for an image set read from files (its law is not known) unless it was
// turned into its empirical law.
#include <memory>

#include "data/dataset.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

std::shared_ptr<const Score> exact_score(const Dataset& data, const Process& process);  // null when none
std::shared_ptr<const Score> exact_score(const ImageSpec& images, const Process& process);

}  // namespace td
