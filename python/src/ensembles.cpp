// thermodiff.taep: the TAEP ensemble (docs/taep.md) on numpy: forward paths from the target
// mixture's p_{t_min}, stepped exactly on a grid, every model on the same paths, keyed by
// (seed, init/forward stream, trajectory, step) exactly as the taep experiment keys them.
#include <fmt/format.h>

#include "bindings.hpp"
#include "core/error.hpp"
#include "observe/sm_objective.hpp"
#include "observe/taep.hpp"
#include "observe/trajectory_entropy.hpp"
#include "process/grids.hpp"
#include "score/mixture_score.hpp"
#include "sim/noise.hpp"

namespace td::py {
namespace {

pb::dict summary_dict(const TaepSummary& s) {
  pb::dict d;
  d["n"] = s.n;
  // The names of results.json's taep section.
  d["mean"] = s.mean, d["mean_se"] = s.mean_se, d["mean_dt_error"] = s.mean_dt;
  d["var"] = s.var, d["var_se"] = s.var_se, d["var_dt_error"] = s.var_dt;
  d["k3"] = s.k3, d["k3_dt_error"] = s.k3_dt, d["k4"] = s.k4, d["k4_dt_error"] = s.k4_dt;
  d["ift"] = s.ift, d["ift_se"] = s.ift_se, d["ift_ess"] = s.ift_ess, d["ift_reliable"] = s.ift_reliable;
  d["ift_dt_error"] = s.ift_dt;
  d["kernel_mean"] = s.kernel_mean, d["kernel_mean_se"] = s.kernel_mean_se;
  d["noise_mean"] = s.noise_mean, d["noise_mean_se"] = s.noise_mean_se;
  d["hutchinson_var"] = s.hutchinson_var;
  return d;
}

pb::dict trajectories_dict(const TaepTrajectories& tr) {
  auto arr = [](const std::vector<double>& v) { return pb::array_t<double>(pb::ssize_t(v.size()), v.data()); };
  pb::dict d;
  d["sigma"] = arr(tr.sigma), d["kernel"] = arr(tr.kernel), d["noise"] = arr(tr.noise);
  d["sigma_coarse"] = arr(tr.sigma_coarse), d["exact"] = arr(tr.exact), d["hutchinson_var"] = arr(tr.hutchinson_var);
  d["summary"] = summary_dict(summarize_taep(tr));
  return d;
}

pb::dict moments(const Moments& m) {
  pb::dict d;
  d["mean"] = m.mean(), d["mean_se"] = m.mean_se(), d["var"] = m.variance();
  return d;
}

// Trajectory entropy production (docs/nonequilibrium.md), forward or along the reverse process.
pb::dict entropy_production(const GaussianMixture& data, const Process& p, const std::vector<double>& times,
                            const std::shared_ptr<Score>& score, int64_t trajectories, uint64_t seed, bool dt_error) {
  if (trajectories < 1) throw InputError(fmt::format("entropy_production: trajectories = {}: at least 1", trajectories));
  TrajectoryEntropyOptions o;
  o.trajectories = trajectories, o.seed = seed, o.dt_error = dt_error;
  TrajectoryEntropy r;
  interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
    r = score ? reverse_trajectory_entropy(data, p, *score, TimeGrid(times), o)
              : forward_trajectory_entropy(data, p, TimeGrid(times), o);
  });
  auto arr = [](const std::vector<double>& v) { return pb::array_t<double>(pb::ssize_t(v.size()), v.data()); };
  pb::dict d;
  d["system"] = moments(r.system), d["medium"] = moments(r.medium), d["total"] = moments(r.total);
  d["total_mean_dt_error"] = r.total_mean_dt;
  d["ift"] = r.ift.mean(), d["ift_se"] = r.ift.mean_se(), d["ift_ess"] = r.ift.ess(), d["ift_dt_error"] = r.ift_dt;
  d["dS"] = arr(r.dS), d["dS_E"] = arr(r.dS_E), d["dS_tot"] = arr(r.dS_tot);
  return d;
}

}  // namespace

void add_ensembles(pb::module_& m) {
  m.def("entropy_production", &entropy_production, pb::arg("data"), pb::arg("process"), pb::arg("times"),
        pb::arg("score") = nullptr, pb::arg("trajectories") = 10000, pb::arg("seed") = 1, pb::arg("dt_error") = true,
        "Trajectory entropy production (Yu & Huang; docs/nonequilibrium.md): system dS, medium dS_E and total "
        "dS_tot per trajectory [nats] with their moments, <e^-dS_tot> (IFT: 1) and discretization errors; "
        "forward from the data without `score`, along the reverse process driven by `score` with it.");
  m.def(
      "taep",
      [](const Process& p, const GaussianMixture& target, const std::vector<std::shared_ptr<Score>>& models,
         int64_t trajectories, uint64_t seed, const std::vector<double>& times, int block,
         const std::vector<int>& probes) {
        if (trajectories < 1) throw InputError(fmt::format("taep: trajectories = {}: at least 1", trajectories));
        if (models.empty()) throw InputError("taep: no models (give at least one Score)");
        if (!probes.empty() && probes.size() != models.size())
          throw InputError(fmt::format("taep: {} hutchinson_probes entries for {} models", probes.size(), models.size()));
        for (const auto& s : models)
          if (s->dim() != target.dim())
            throw InputError(fmt::format("taep: a model of dimension {} for a target of dimension {}", s->dim(), target.dim()));
        const TimeGrid grid(times);
        const MixtureScore exact(target, p);
        std::vector<const Score*> scores;
        for (const auto& s : models) scores.push_back(s.get());
        TaepOptions opt;
        opt.hutchinson_probes = probes.empty() ? std::vector<int>(models.size(), 0) : probes;
        opt.probes_key = RngKey(seed, Stream::TaepProbes);
        const MarginalSampler init_sampler = mixture_marginal_sampler(target, p, RngKey(seed, Stream::Init));
        const InitFn init = [&](const uint64_t* ids, int n, Mat& X) { init_sampler(grid.t_min(), ids, n, 0, X); };
        std::vector<TaepTrajectories> tr;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          tr = run_taep(p, grid, exact, scores, {trajectories, block}, init, PhiloxNoise(RngKey(seed, Stream::Forward)), opt);
        });
        pb::list out;
        for (const TaepTrajectories& t : tr) out.append(trajectories_dict(t));
        return out;
      },
      pb::arg("process"), pb::arg("target"), pb::arg("models"), pb::arg("trajectories"), pb::arg("seed"),
      pb::arg("times"), pb::arg("block") = 256, pb::arg("hutchinson_probes") = std::vector<int>{},
      "TAEP of each model against the target mixture's exact score on the same forward paths: per-trajectory "
      "Sigma, kernel and noise parts, the coarse-grid twin (dt error), the exact reference, and a summary.");
}

}  // namespace td::py
