#pragma once
// What each experiment declares of itself without LibTorch (experiments/experiment_list.hpp): its
// name and docs, a parser that checks a config, its built-ins' test sizes and its browser-test cases.
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace td {

// One built-in (experiments/NAME/builtins/BUILTIN.toml) as the tests see it.
struct BuiltinDeclaration {
  std::string name;
  // The --set overrides that shrink it for the golden results (tests/golden/NAME.json).
  std::vector<std::string> reduced;
  // Trains networks (LibTorch's training rounds differently for other thread counts, so the MPI
  // goldens with one thread per rank leave it out).
  bool trains_networks = false;
};

// A run whose report the browser test renders: `thermodiff run ARGS` (a built-in and --set overrides).
struct BrowserCase {
  std::string name, args;
  std::vector<std::string> axes = {};  // "Section: x TYPE, y TYPE" entries the page must record
};

struct ExperimentKind {
  std::string name;     // the config's `experiment` key
  std::string summary;  // what it measures, for `describe`
  std::string docs;     // where its physics is documented (docs/PAGE.md#SECTION)
  // Parses a config of this kind, throwing InputError naming what is wrong (reads its data files).
  void (*check)(const toml::table& config, const std::string& source);
  std::vector<BuiltinDeclaration> builtins;
  std::vector<BrowserCase> browser_cases;
  // results.json's schema {name: "thermodiff.NAME", version}: bumped when a key changes meaning or
  // goes away (new keys do not bump it).
  int results_version = 1;
};

// In registry order (experiments/experiment_list.hpp).
const std::vector<ExperimentKind>& experiment_kinds();
const ExperimentKind* find_kind(const std::string& name);
// "taep, likelihood, ...": the known kinds, for messages.
std::string kind_names();

}  // namespace td
