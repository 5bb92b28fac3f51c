#include "experiments/kinds.hpp"

#include "experiments/experiment_list.hpp"

namespace td {

#define TD_DECLARE_KIND(name) const ExperimentKind& name##_kind();
TD_EXPERIMENTS(TD_DECLARE_KIND)
#undef TD_DECLARE_KIND

const std::vector<ExperimentKind>& experiment_kinds() {
#define TD_KIND(name) name##_kind(),
  static const std::vector<ExperimentKind> kinds = {TD_EXPERIMENTS(TD_KIND)};
#undef TD_KIND
  return kinds;
}

const ExperimentKind* find_kind(const std::string& name) {
  for (const ExperimentKind& k : experiment_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

std::string kind_names() {
  std::string out;
  for (const ExperimentKind& k : experiment_kinds()) out += (out.empty() ? "" : ", ") + k.name;
  return out;
}

}  // namespace td
