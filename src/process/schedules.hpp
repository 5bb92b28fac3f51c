#pragma once
// The baseline sampling schedules: N process times from T down to t_min, placed by a rule on the
// process's own clock or on its noise level sigma~ = sigma/alpha. The schedules derived from a model
// (entropic time: observe/entropic_time.hpp) come out in the same form, so every schedule exports
// and compares alike (process/schedule_export.hpp).
#include <string>
#include <vector>

#include "process/process.hpp"

namespace td {

// EDM's rho-schedule: sigma_i = (smax^(1/rho) + i/(n-1) (smin^(1/rho) - smax^(1/rho)))^rho, descending.
std::vector<double> edm_sigmas(int n, double sigma_min, double sigma_max, double rho = 7);

// The time of each noise level (descending sigma~ -> descending t), the ends pinned to T and t_min
// when the levels are sigma~(T) and sigma~(t_min) (the clock conversion is not exact to the last bit).
std::vector<double> times_of_sigmas(const Process& p, const std::vector<double>& sigmas);

// A baseline with n >= 2 levels from T to t_min of `p`: "edm" (rho = 7 in sigma~), "uniform_t"
// (equal steps of the process's time), "uniform_log_sigma" (equal ratios of sigma~). Throws
// InputError for another name, naming the three.
std::vector<double> baseline_schedule(const std::string& name, const Process& p, int n);
const std::vector<std::string>& baseline_schedule_names();

// A schedule that spends its steps where a rate is large (e.g. the conditional entropy rate or V_h,
// peaked at speciation): n levels from T to t_min of `p` uniform in the cumulative of the density
//   q(t) = (1 - floor) r(t) / int r dt + floor (d ln sigma~/dt) / ln(sigma~(T) / sigma~(t_min)),
// r >= 0 given at the ascending `nodes` spanning [t_min, T] (trapezoid rule between them); `floor`
// in [0, 1] keeps that share of the steps uniform in log sigma~, so no stretch of the path goes
// without steps. Throws InputError for nodes that do not ascend over [t_min, T], a negative or
// non-finite rate, a rate that integrates to 0 with floor < 1, or floor outside [0, 1].
std::vector<double> density_schedule(const Process& p, const std::vector<double>& nodes, const std::vector<double>& r,
                                     int n, double floor);

}  // namespace td
