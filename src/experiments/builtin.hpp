#pragma once
// Built-in experiments: named TOML configs compiled into the binary, with what their experiment's
// kind.cpp declares of each (experiments/kinds.hpp).
#include <string>
#include <vector>

#include "experiments/kinds.hpp"

namespace td {

struct BuiltinExperiment {
  std::string name, summary, toml;
  std::string kind;  // the experiment whose folder holds it
  // Its kind's declaration of it (reduced size, whether it trains networks); nullptr where the
  // folder's kind.cpp forgot it (a test fails on that).
  const BuiltinDeclaration* declared = nullptr;
};

const std::vector<BuiltinExperiment>& builtin_experiments();
const BuiltinExperiment* find_builtin(const std::string& name);
constexpr const char* kQuickstart = "mode-collapse";

}  // namespace td
