// The "learning" experiment bound for the program (experiments/experiment_list.hpp).
#include "experiments/learning/run.hpp"
#include "experiments/registry.hpp"

namespace td {

// A fixed-size U-Net on a fixed image set: no memory terms worth estimating, no user models.
Experiment learning_experiment(const toml::table& t, const std::string& source) {
  return bind_experiment(parse_learning_config(t, source), "learning", "learning dynamics of a U-Net", {},
                         no_models<LearningConfig>, run_learning_experiment, render_learning_report);
}

}  // namespace td
