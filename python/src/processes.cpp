// thermodiff.Process and the time grids: the forward processes of docs/processes.md, built from
// the same keys as a config's [process] table (read by its reader, so the same checks).
#include <pybind11/numpy.h>

#include "bindings.hpp"
#include "core/time_grid.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/distribution_config.hpp"
#include "process/grids.hpp"
#include "process/process.hpp"
#include "process/schedule_export.hpp"
#include "process/schedules.hpp"

namespace td::py {

Process process_from_json(const std::string& json_text) {
  const toml::table t = table_from_json(json_text, "Process");
  return Process(read_process(ConfigReader(t, "Process")));  // it refuses unknown keys itself
}

void add_processes(pb::module_& m) {
  pb::class_<Process>(m, "Process", "A forward process dx = f dt + g dW with x_t = alpha(t) x_0 + sigma(t) z")
      .def(pb::init(&process_from_json), pb::arg("json"))
      .def("alpha", pb::vectorize(&Process::alpha))
      .def("sigma2", pb::vectorize(&Process::sigma2))
      .def("sigma", pb::vectorize(&Process::sigma))
      .def("sigma_tilde", pb::vectorize(&Process::sigma_tilde))
      .def("g2", pb::vectorize(&Process::g2))
      .def("drift_coef", pb::vectorize(&Process::drift_coef))
      .def_property_readonly("kind", [](const Process& p) { return process_kind_name(p.kind()); })
      .def_property_readonly("t_min", &Process::t_min)
      .def_property_readonly("T", &Process::T)
      .def_property_readonly("prior_var", &Process::prior_var)
      .def_property_readonly("params",
                             [](const Process& p) {
                               const ProcessParams& q = p.params();
                               pb::dict d;
                               d["kind"] = process_kind_name(q.kind), d["beta_min"] = q.beta_min, d["beta_max"] = q.beta_max;
                               d["sigma_min"] = q.sigma_min, d["sigma_max"] = q.sigma_max, d["sigma"] = q.sigma_base;
                               d["t_min"] = q.t_min, d["T"] = q.T;
                               return d;
                             },
                             "Every parameter, defaults included, as [process] keys")
      .def("describe", &Process::describe);
  m.def(
      "grid",
      [](const Process& p, const std::string& kind, int steps, double rho) {
        GridSpec spec = default_grid(p.kind(), steps, p.t_min());
        if (!kind.empty()) spec.kind = parse_grid_kind(kind);
        spec.rho = rho;
        return make_grid(p, spec).times();
      },
      pb::arg("process"), pb::arg("kind") = "", pb::arg("steps") = 1000, pb::arg("rho") = 7.0,
      "The time grid of `kind` (uniform, geometric, sigma, log_sigma, mixed; '' = the process's default) "
      "on [t_min, T]: steps + 1 times.");
  m.def(
      "baseline_schedule",
      [](const Process& p, const std::string& kind, int n, const std::string& beta_schedule, double beta_start,
         double beta_end, int train_steps) {
        const ExportedSchedule e =
            export_schedule(kind, p, baseline_schedule(kind, p, n), {beta_schedule, beta_start, beta_end, train_steps});
        pb::dict d;
        d["name"] = e.name, d["t"] = e.t, d["sigmas"] = e.sigma, d["timesteps"] = e.timesteps, d["warnings"] = e.warnings;
        return d;
      },
      pb::arg("process"), pb::arg("kind") = "edm", pb::arg("n") = 10, pb::arg("beta_schedule") = "linear",
      pb::arg("beta_start") = 1e-4, pb::arg("beta_end") = 0.02, pb::arg("train_steps") = 1000,
      "A baseline sampling schedule of n levels from T to t_min (kind edm, uniform_t or uniform_log_sigma) in "
      "the conventions samplers take: t (process times), sigmas (sigma/alpha, descending, then 0: k-diffusion's "
      "sigmas and diffusers' set_timesteps(sigmas=...)), timesteps (the nearest training step of a discrete "
      "model with the given betas) and warnings.");
}

}  // namespace td::py
