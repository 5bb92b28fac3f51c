// The "memorization" experiment as the registry sees it (experiments/experiment_list.hpp).
#include "experiments/kinds.hpp"
#include "experiments/memorization/config.hpp"

namespace td {

// The goldens' and browser cases' collapse readings: few paths, readings and resamplings.
#define COLLAPSE_SMALL "collapse.paths=32", "collapse.readings=8", "collapse.entropy_samples=64", "collapse.cloning_paths=32", \
                       "collapse.branches=4", "collapse.bootstrap=50"
#define COLLAPSE_SMALL_SET "--set collapse.paths=32 --set collapse.readings=8 --set collapse.entropy_samples=64 " \
                           "--set collapse.cloning_paths=32 --set collapse.branches=4 --set collapse.bootstrap=50"

const ExperimentKind& memorization_kind() {
  static const ExperimentKind k = {
      .name = "memorization",
      .summary = "does a trained model copy its training set: the memorized fraction against the training-set size",
      .docs = "docs/memorization.md#s7",
      .check = [](const toml::table& t, const std::string& s) { (void)parse_memorization_config(t, s); },
      .builtins = {{"memorization-2d", {"memorization.sizes=[4,32]", "training.steps=100", "memorization.samples=64",
                                        "memorization.steps=20", "memorization.held_out=64", COLLAPSE_SMALL}, true},
                   {"memorization", {"memorization.sizes=[16,64]", "training.steps=30", "mlp.width=64", "memorization.samples=16",
                                     "memorization.steps=10", "memorization.held_out=32", "memorization.grid_images=2", COLLAPSE_SMALL}, true}},
      .browser_cases = {{"memorization", "memorization-2d --set 'memorization.sizes=[4,32]' --set training.steps=100 "
                                         "--set memorization.samples=64 --set memorization.steps=20 --set memorization.held_out=64 " COLLAPSE_SMALL_SET},
                        {"memorization-images", "memorization --set 'memorization.sizes=[16,64]' --set training.steps=30 "
                                                "--set mlp.width=64 --set memorization.samples=16 --set memorization.steps=10 "
                                                "--set memorization.held_out=32 --set memorization.grid_images=4 " COLLAPSE_SMALL_SET}},
      .results_version = 1,
  };
  return k;
}

}  // namespace td
