#include "platform/platform.hpp"

#include "core/error.hpp"
#include "platform/platform_list.hpp"

namespace td {

std::vector<TaepTrajectories> Platform::taep_ensemble(const TaepJob& j, const EnsembleSpec& spec) const {
  return run_taep(j.process, j.grid, j.target, j.models, spec, j.init, PhiloxNoise(j.noise_key), j.opt);
}

#define TD_DECLARE_PLATFORM(name) const Platform* name##_platform(PlatformInfo* info);
TD_PLATFORMS(TD_DECLARE_PLATFORM)
#undef TD_DECLARE_PLATFORM

namespace {

struct Registered {
  const char* name;
  const Platform* (*get)(PlatformInfo* info);
};

const std::vector<Registered>& registered() {
#define TD_REGISTER_PLATFORM(name) {#name, name##_platform},
  static const std::vector<Registered> all = {TD_PLATFORMS(TD_REGISTER_PLATFORM)};
#undef TD_REGISTER_PLATFORM
  return all;
}

// The registry's entry for `name`; InputError naming the known ones for an unknown name.
const Registered& entry(const std::string& name) {
  std::string known;
  for (const Registered& r : registered()) {
    if (name == r.name) return r;
    known += (known.empty() ? "" : ", ") + std::string(r.name);
  }
  throw InputError("no platform '" + name + "' (known: " + known + ")");
}

}  // namespace

const Platform& platform(const std::string& name) {
  PlatformInfo info;
  if (const Platform* p = entry(name).get(&info)) return *p;
  throw RunError("the " + name + " platform is unavailable: " + info.why);
}

PlatformInfo platform_info(const std::string& name) {
  PlatformInfo info;
  entry(name).get(&info);
  return info;
}

const std::vector<const Platform*>& platforms() {
  static const std::vector<const Platform*> all = [] {
    std::vector<const Platform*> out;
    for (const Registered& r : registered()) {
      PlatformInfo info;
      if (const Platform* p = r.get(&info)) out.push_back(p);
    }
    return out;
  }();
  return all;
}

std::vector<std::string> platform_names() {
  std::vector<std::string> out;
  for (const Registered& r : registered()) out.push_back(r.name);
  return out;
}

const Platform& default_platform() { return platform("cpu"); }

}  // namespace td
