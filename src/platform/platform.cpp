#include "platform/platform.hpp"

#include "core/error.hpp"
#include "platform/platform_list.hpp"

namespace td {

std::vector<TaepTrajectories> Platform::taep_ensemble(const TaepJob& j, const EnsembleSpec& spec) const {
  return run_taep(j.process, j.grid, j.target, j.models, spec, j.init, PhiloxNoise(j.noise_key), j.opt);
}

#define TD_DECLARE_PLATFORM(name) const Platform* name##_platform(std::string* why);
TD_PLATFORMS(TD_DECLARE_PLATFORM)
#undef TD_DECLARE_PLATFORM

namespace {

struct Registered {
  const char* name;
  const Platform* (*get)(std::string* why);
};

const std::vector<Registered>& registered() {
#define TD_REGISTER_PLATFORM(name) {#name, name##_platform},
  static const std::vector<Registered> all = {TD_PLATFORMS(TD_REGISTER_PLATFORM)};
#undef TD_REGISTER_PLATFORM
  return all;
}

}  // namespace

const Platform& platform(const std::string& name) {
  std::string known;
  for (const Registered& r : registered()) {
    if (name == r.name) {
      std::string why;
      if (const Platform* p = r.get(&why)) return *p;
      throw RunError("the " + name + " platform is unavailable: " + why);
    }
    known += (known.empty() ? "" : ", ") + std::string(r.name);
  }
  throw InputError("no platform '" + name + "' (known: " + known + ")");
}

const std::vector<const Platform*>& platforms() {
  static const std::vector<const Platform*> all = [] {
    std::vector<const Platform*> out;
    for (const Registered& r : registered()) {
      std::string why;
      if (const Platform* p = r.get(&why)) out.push_back(p);
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
