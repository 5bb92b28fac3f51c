#include "observe/model_schedules.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "observe/speciation_schedule.hpp"
#include "process/schedules.hpp"

namespace td {

const std::vector<std::string>& ModelSchedules::kinds() {
  static const std::vector<std::string> k = {"edm", "uniform_t", "uniform_log_sigma", "discrete", "entropic", "path_kl", "speciation"};
  return k;
}

ModelSchedules::ModelSchedules(const Process& p, const Score& score, DataFn data, std::optional<GaussianMixture> law,
                               ModelScheduleOptions o, uint64_t seed)
    : p_(p), score_(score), view_(score, p_), data_(std::move(data)), law_(std::move(law)), o_(o), seed_(seed) {}

std::vector<double> ModelSchedules::times(const std::string& kind, int n) {
  if (kind == "entropic") {
    if (!err_)
      err_ = x0_prediction_error(p_, score_, data_, baseline_schedule("uniform_log_sigma", p_, o_.entropic_nodes), o_.entropic_samples, seed_);
    return times_of_sigmas(p_, entropic_schedule(*err_, n).sigmas);
  }
  if (kind == "path_kl") {
    if (n > o_.path_kl_grid)
      throw InputError(fmt::format("path_kl schedule: {} levels need a grid of at least as many (path_kl_grid = {})", n, o_.path_kl_grid));
    if (!table_)
      table_ = std::make_unique<PathKlTable>(view_, data_, log_sigma_grid(sigma_min(), sigma_max(), o_.path_kl_grid), o_.path_kl_paths, seed_);
    const OptimizedSchedule s = optimize_path_kl(*table_, edm_sigmas(n, sigma_min(), sigma_max()));
    objectives_.emplace_back(n, s.objective);
    return times_of_sigmas(p_, s.sigmas);
  }
  if (kind == "speciation") {
    if (!law_) throw InputError("speciation schedule: needs the data's law as a Gaussian mixture (ring or mixture data)");
    return speciation_times(p_, *law_, n, o_.speciation_nodes, o_.speciation_samples, seed_, o_.speciation_floor);
  }
  if (kind == "discrete") {
    if (!o_.discrete) throw InputError("discrete schedule: needs the model's discrete training ([discrete]: its betas and steps)");
    return discrete_schedule(p_, *o_.discrete, n);
  }
  if (std::count(kinds().begin(), kinds().end(), kind) == 0)
    throw InputError(fmt::format("unknown schedule kind '{}': edm, uniform_t, uniform_log_sigma, discrete, entropic, path_kl or speciation", kind));
  return baseline_schedule(kind, p_, n);
}

}  // namespace td
