#pragma once
// Every sampling schedule of one model, by kind (docs/schedules.md#s6.1): the baselines
// (process/schedules.hpp) and those derived from the model on its data — entropic time from its
// denoising error, the path-KL optimal schedule, the speciation-aware one (mixture data). What a
// kind measures is measured once and serves every N (the error curve, the path-KL table, V_h).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/data_fn.hpp"
#include "data/mixture.hpp"
#include "observe/entropic_time.hpp"
#include "observe/path_kl.hpp"
#include "process/process.hpp"
#include "process/schedule_export.hpp"
#include "score/edm_view.hpp"
#include "score/score.hpp"

namespace td {

struct ModelScheduleOptions {
  int entropic_nodes = 32, entropic_samples = 256;   // the denoising error: levels uniform in ln sigma~, draws per level
  int path_kl_grid = 128, path_kl_paths = 256;       // the optimizer's grid and paths
  int speciation_nodes = 32, speciation_samples = 512;
  double speciation_floor = 0.3;
  std::optional<DiscreteTraining> discrete;  // a discrete model's training: its own steps (kind "discrete")
};

class ModelSchedules {
 public:
  // `law`: the data's law as a mixture where known (the speciation kind needs it). The score and data
  // must outlive this object.
  ModelSchedules(const Process& p, const Score& score, DataFn data, std::optional<GaussianMixture> law,
                 ModelScheduleOptions o, uint64_t seed);
  // n levels of `kind` (edm, uniform_t, uniform_log_sigma, discrete, entropic, path_kl, speciation)
  // as process times from T down to t_min. Throws InputError for an unknown kind, speciation without
  // a law, discrete without a training, or path_kl with n above path_kl_grid.
  std::vector<double> times(const std::string& kind, int n);
  static const std::vector<std::string>& kinds();

  const EdmView& view() const { return view_; }  // the model in EDM units
  double sigma_min() const { return p_.sigma_tilde(p_.t_min()); }
  double sigma_max() const { return p_.sigma_tilde(p_.T()); }
  // What the derived kinds measured (null until asked for): the error curve, each N's objectives.
  const std::optional<X0Error>& denoising_error() const { return err_; }
  const std::vector<std::pair<int, std::vector<double>>>& optimizer_objectives() const { return objectives_; }

 private:
  Process p_;
  const Score& score_;
  EdmView view_;
  DataFn data_;
  std::optional<GaussianMixture> law_;
  ModelScheduleOptions o_;
  uint64_t seed_;
  std::optional<X0Error> err_;
  std::unique_ptr<PathKlTable> table_;
  std::vector<std::pair<int, std::vector<double>>> objectives_;
};

}  // namespace td
