#include "experiments/header_config.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "experiments/kinds.hpp"
#include "platform/platform.hpp"

namespace td {

ConfigHeader read_header(ConfigReader& r, const char* kind, const char* default_title) {
  const bool is_default = std::string(kind) == "taep";
  static const std::string which = "which experiment: " + kind_names() + " (taep when absent)";
  const std::string experiment =
      r.string("experiment", is_default ? std::optional<std::string>(kind) : kRequired,
               which.c_str());
  r.require(experiment == kind, "experiment", fmt::format("must be \"{}\" here", kind));
  ConfigHeader h;
  h.title = r.string("title", default_title, "report title");
  const int64_t seed =
      r.integer("seed", 1,
          "seed of every random stream (results are identical for any thread count or block size)");
  r.require(seed >= 0, "seed", "must be >= 0");
  h.seed = uint64_t(seed);
  const std::string nonfinite = r.string("nonfinite", "fail",
      "values that are not finite (a model's NaN, an overflow): fail stops the run at the first, naming it; exclude "
      "counts them, leaves them out of every estimate and reports the counts (docs/robustness.md#nonfinite)");
  r.require(nonfinite == "fail" || nonfinite == "exclude", "nonfinite", fmt::format("'{}' is not fail or exclude", nonfinite));
  h.nonfinite = parse_nonfinite_policy(nonfinite);
  h.device = r.string("device", "cpu",
      "where the run computes: cpu, or cuda (the first GPU; exact-mixture TAEP ensembles run there, the rest on the "
      "CPU, as results.json's device section lists; an error on a machine without one, docs/gpu.md)");
  // Any registered platform but the reference (the oracle of the platform test, not a device to run on).
  std::vector<std::string> devices = platform_names();
  std::erase(devices, "reference");
  r.require(std::find(devices.begin(), devices.end(), h.device) != devices.end(), "device",
            fmt::format("'{}' is not {}", h.device, fmt::join(devices, " or ")));
  return h;
}

}  // namespace td
