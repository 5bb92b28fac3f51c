#include "experiments/builtin.hpp"

#include <fmt/format.h>

namespace td {
namespace {

// Ding, Quan & Tu Fig. 2 with exact-score-field models (FORMULAS §1, §2.5): a uniform 8-mode ring
// as the target; each model is the exact score of the ring reweighted by the collapse rule.
std::string mode_collapse_toml() {
  std::string s = R"T(experiment = "taep"
title = "Mode collapse: TAEP of exact-score-field models (Ding, Quan & Tu, Fig. 2)"
seed = 1

[process]
kind = "vp"
t_min = 0.001
T = 1.0

[sim]
trajectories = 10000
steps = 500
objective_samples = 400
exact_samples = 100000
generated_samples = 1500

[target]
ring = { K = 8, radius = 2.0, std = 0.1 }
)T";
  // Single-mode collapse: m = 1, alpha swept (alpha = 1 is the perfect model).
  for (double a : {1.0, 0.75, 0.5, 0.25, 0.1, 0.05})
    s += fmt::format(R"T(
[[models]]
name = "single-m1-a{:.2f}"
ring = {{ K = 8, radius = 2.0, std = 0.1 }}
collapse = {{ m = 1, alpha = {} }}
series = "single-mode"
x = {}
)T", a, a, a);
  // Multi-mode collapse: alpha = 0.5, m swept.
  for (int m = 1; m <= 7; ++m)
    s += fmt::format(R"T(
[[models]]
name = "multi-m{}-a0.50"
ring = {{ K = 8, radius = 2.0, std = 0.1 }}
collapse = {{ m = {}, alpha = 0.5 }}
series = "multi-mode"
x = {}
)T", m, m, m);
  return s;
}

}  // namespace

const std::vector<BuiltinExperiment>& builtin_experiments() {
  static const std::vector<BuiltinExperiment> all = {
      {kQuickstart,
       "TAEP under single- and multi-mode collapse of an 8-mode ring, exact scores (the quickstart)",
       mode_collapse_toml()},
  };
  return all;
}

const BuiltinExperiment* find_builtin(const std::string& name) {
  for (const auto& b : builtin_experiments())
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace td
