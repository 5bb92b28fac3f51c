#pragma once
// The keys every experiment's config starts with: experiment, title, seed, nonfinite, device.
#include <cstdint>
#include <string>

#include "core/nonfinite.hpp"
#include "experiments/config_reader.hpp"

namespace td {

struct ConfigHeader {
  std::string title;
  uint64_t seed = 1;
  NonFinitePolicy nonfinite = NonFinitePolicy::Fail;
  std::string device = "cpu";  // cpu or cuda (docs/gpu.md)
};

// `experiment` must name `kind` (it may be absent only for taep, the default experiment); `title`
// defaults to `default_title`; `seed` >= 0.
ConfigHeader read_header(ConfigReader& r, const char* kind, const char* default_title);

}  // namespace td
