#pragma once
// Built-in experiments: named TOML configs compiled into the binary.
#include <string>
#include <vector>

namespace td {

struct BuiltinExperiment {
  std::string name, summary, toml;
};

const std::vector<BuiltinExperiment>& builtin_experiments();
const BuiltinExperiment* find_builtin(const std::string& name);
constexpr const char* kQuickstart = "mode-collapse";

}  // namespace td
