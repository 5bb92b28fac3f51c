#include "experiments/builtin.hpp"

#include <algorithm>
#include <filesystem>

#include "core/embedded_files.hpp"

namespace td {

// Every experiment's built-in configs are experiments/KIND/builtins/NAME.toml, compiled into the
// binary; the first line is "# summary: ...". Listed in registry order, by name within a kind.
const std::vector<BuiltinExperiment>& builtin_experiments() {
  static const std::vector<BuiltinExperiment> all = [] {
    std::vector<BuiltinExperiment> out;
    for (const ExperimentKind& k : experiment_kinds())
      for (const auto& [path, text] : embedded_files("experiments/" + std::string(k.name) + "/builtins/")) {
        BuiltinExperiment b;
        b.name = std::filesystem::path(path).stem().string();
        b.toml = std::string(text);
        b.kind = k.name;
        for (const BuiltinDeclaration& d : k.builtins)
          if (d.name == b.name) b.declared = &d;
        const std::string head = "# summary: ";
        if (b.toml.rfind(head, 0) == 0) b.summary = b.toml.substr(head.size(), b.toml.find('\n') - head.size());
        out.push_back(std::move(b));
      }
    // The quickstart first: `thermodiff run` without a config runs it.
    std::stable_partition(out.begin(), out.end(), [](const BuiltinExperiment& b) { return b.name == kQuickstart; });
    return out;
  }();
  return all;
}

const BuiltinExperiment* find_builtin(const std::string& name) {
  for (const auto& b : builtin_experiments())
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace td
