#include "experiments/model_kinds/exact.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {

ExactModel ExactModel::read(ConfigReader& m, const ModelReadContext& c) {
  m.require(!m.has("collapse"), "collapse", "needs the ring (collapse reweights the ring's K modes)");
  m.require(c.data.law.has_value() || c.data.synthetic.has_value(), "name",
            fmt::format("model '{}' names no kind (mlp, torchscript, ring or mixture), so it is the data's exact "
                        "score, but {} has none (an image set read from files: use its empirical law)",
                        c.name, c.data.description));
  return {};
}

std::shared_ptr<const Score> ExactModel::build(const ModelBuildContext& c) const {
  if (!c.data_exact) throw InputError(fmt::format("model '{}': {} has no exact score", c.name, c.data.description));
  return c.data_exact;
}

}  // namespace td
