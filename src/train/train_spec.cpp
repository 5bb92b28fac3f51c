// The training spec and loss weighting: plain config, no LibTorch (the config parsers use them).
#include <string>

#include "core/error.hpp"
#include "train/dsm_train.hpp"

namespace td {

LossWeighting parse_loss_weighting(const std::string& name) {
  if (name == "eps") return LossWeighting::Eps;
  if (name == "likelihood") return LossWeighting::Likelihood;
  throw InputError("unknown loss weighting '" + name + "' (expected eps or likelihood)");
}

std::string loss_weighting_name(LossWeighting w) { return w == LossWeighting::Eps ? "eps" : "likelihood"; }

void TrainSpec::validate(const std::string& where) const {
  auto bad = [&](const std::string& what) { throw InputError(where + ": " + what); };
  if (steps < 1) bad("steps must be >= 1");
  if (batch < 1) bad("batch must be >= 1");
  if (!(lr > 0)) bad("lr must be > 0");
  if (warmup < 0) bad("warmup must be >= 0");
  if (decay != "none" && decay != "cosine") bad("decay must be \"none\" or \"cosine\", not \"" + decay + "\"");
  if (!(clip >= 0)) bad("clip must be >= 0");
  if (!(ema >= 0 && ema < 1)) bad("ema must be in [0, 1)");
  if (checkpoint_every < 1) bad("checkpoint_every must be >= 1");
}

}  // namespace td
