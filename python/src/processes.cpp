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
#include "data/dataset.hpp"
#include "observe/model_schedules.hpp"
#include "core/error.hpp"
#include <algorithm>
#include <optional>
#include <fmt/format.h>

namespace td::py {

namespace {

// The data of a schedule as Python gave it (read with the GIL held): a Mixture or an array of points.
struct ScheduleData {
  std::optional<GaussianMixture> law;
  std::optional<Mat> points;
};
ScheduleData schedule_data(const pb::object& data) {
  if (data.is_none()) return {};
  if (pb::isinstance<GaussianMixture>(data)) return {data.cast<GaussianMixture>(), std::nullopt};
  return {std::nullopt, data.cast<Mat>()};
}

// The times of one schedule: a baseline needs no model; the derived kinds need the score and the
// data (a Mixture, whose law the speciation kind uses, or an array of points drawn by id).
std::vector<double> model_schedule(const Process& p, const std::string& kind, int n, const Score* score, const ScheduleData& data,
                                   uint64_t seed, const ModelScheduleOptions& o) {
  const std::vector<std::string>& base = baseline_schedule_names(), &all = ModelSchedules::kinds();
  if (!std::count(all.begin(), all.end(), kind))
    throw InputError(fmt::format("unknown schedule kind '{}': edm, uniform_t, uniform_log_sigma, discrete, entropic, path_kl or speciation", kind));
  if (std::count(base.begin(), base.end(), kind)) return baseline_schedule(kind, p, n);
  if (kind == "discrete") return discrete_schedule(p, *o.discrete, n);
  if (!score || (!data.law && !data.points))
    throw InputError(fmt::format("schedule '{}': needs the model's score and its data (a Mixture or an array of points)", kind));
  if (data.law) return ModelSchedules(p, *score, mixture_data(*data.law, {seed, Stream::Data}), data.law, o, seed).times(kind, n);
  const Dataset points = points_dataset(*data.points, 0, "the data given");
  if (points.dim != score->dim())
    throw InputError(fmt::format("schedule '{}': the data has {} columns, the score {} dimensions", kind, points.dim, score->dim()));
  return ModelSchedules(p, *score, points.sampler({seed, Stream::Data}), std::nullopt, o, seed).times(kind, n);
}

}  // namespace

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
      .def("time_at_sigma_tilde", pb::vectorize(&Process::time_at_sigma_tilde))
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
      "schedule",
      [](const Process& p, const std::string& kind, int n, const std::shared_ptr<Score>& score, const pb::object& data,
         uint64_t seed, const DiscreteTraining& training, const ModelScheduleOptions& o) {
        std::vector<double> t;
        const ScheduleData given = schedule_data(data);
        ModelScheduleOptions with = o;
        with.discrete = training;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          t = model_schedule(p, kind, n, score.get(), given, seed, with);
        });
        const ExportedSchedule e = export_schedule(kind, p, t, training);
        pb::dict d;
        d["name"] = e.name, d["t"] = e.t, d["sigmas"] = e.sigma, d["timesteps"] = e.timesteps, d["warnings"] = e.warnings;
        return d;
      },
      pb::arg("process"), pb::arg("kind"), pb::arg("n"), pb::arg("score"), pb::arg("data"), pb::arg("seed"), pb::arg("training"),
      pb::arg("options"),
      "A sampling schedule of n levels from T to t_min (docs/schedules.md): a baseline (edm, uniform_t, "
      "uniform_log_sigma, discrete: the training's own steps) or one derived from `score` on `data` (entropic, path_kl; speciation for a Mixture).");
  pb::class_<DiscreteTraining>(m, "DiscreteTraining")
      .def(pb::init([](const std::string& schedule, double start, double end, int steps) {
             return DiscreteTraining{schedule, start, end, steps};
           }),
           pb::arg("beta_schedule"), pb::arg("beta_start"), pb::arg("beta_end"), pb::arg("train_steps"));
  pb::class_<ModelScheduleOptions>(m, "ModelScheduleOptions")
      .def(pb::init([](int en, int es, int pg, int pp, int sn, int ss, double sf) {
             return ModelScheduleOptions{en, es, pg, pp, sn, ss, sf};
           }),
           pb::arg("entropic_nodes"), pb::arg("entropic_samples"), pb::arg("path_kl_grid"), pb::arg("path_kl_paths"),
           pb::arg("speciation_nodes"), pb::arg("speciation_samples"), pb::arg("speciation_floor"));
}

}  // namespace td::py
