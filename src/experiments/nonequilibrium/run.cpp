#include "experiments/nonequilibrium/run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "observe/entropy_flow.hpp"
#include "observe/franz_parisi.hpp"
#include "observe/reverse_potential.hpp"
#include "observe/speciation.hpp"
#include "observe/trajectory_entropy.hpp"
#include "score/mixture_score.hpp"

namespace td {
namespace {

using json = nlohmann::json;

// N(+-mu u, s2 I) with u = (1, ..., 1)/sqrt(d).
GaussianMixture pair_mixture(const PairData& p) { return symmetric_pair(p.d, p.mu / std::sqrt(double(p.d)), p.s2); }

Process ou(double T) { return Process(process_on(ProcessKind::OU, 0, T)); }

json data_json(const PairData& p) { return {{"mu", p.mu}, {"s2", p.s2}, {"d", p.d}}; }

json entropy_json(const TrajectoryEntropy& r, int bins) {
  std::vector<double> w(r.dS_tot.size()), neg(r.dS_tot.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::exp(-r.dS_tot[i]), neg[i] = -r.dS_tot[i];
  auto mom = [](const Moments& m) { return json{{"mean", m.mean()}, {"mean_se", m.mean_se()}, {"var", m.variance()}}; };
  return {{"system", mom(r.system)},
          {"medium", mom(r.medium)},
          {"total", mom(r.total)},
          {"total_mean_dt_error", finite_or_null(r.total_mean_dt)},
          {"ift", r.ift.mean()},
          {"ift_se", r.ift.mean_se()},
          {"ift_dt_error", finite_or_null(r.ift_dt)},
          {"ift_ess", r.ift.ess()},
          // As for TAEP (docs §2.4): with Var dS_tot > 2 the mean of e^{-dS_tot} is carried by rare
          // trajectories and its sample SE understates the error.
          {"ift_reliable", r.total.variance() <= 2.0},
          {"histograms",
           {{"system", histogram_json(histogram_auto(r.dS, bins))},
            {"medium", histogram_json(histogram_auto(r.dS_E, bins))},
            {"total", histogram_json(histogram_auto(r.dS_tot, bins))},
            {"exp_minus_total", histogram_json(histogram_auto(w, bins))}}},
          {"ift_running", running_json(running_mean_exp(neg))}};
}


// A leg's flags (docs/discretization.md#flags): the discretization error of <dS_tot> or of
// <e^-dS_tot> above its standard error.
std::vector<std::string> leg_flags(const char* leg, const TrajectoryEntropy& r) {
  std::vector<std::string> f;
  const std::string head = fmt::format("ift {} leg: ", leg);
  const char* remedy = "use more steps (a smaller dt)";
  flag_dt_error(f, head + "<dS_tot>", r.total.mean(), r.total.mean_se(), r.total_mean_dt, remedy);
  if (r.total.variance() <= 2.0) flag_dt_error(f, head + "<e^-dS_tot>", r.ift.mean(), r.ift.mean_se(), r.ift_dt, remedy);
  return f;
}

json run_leg(const IftLeg& leg, const IftSpec& s, const GridShape& shape, bool reverse, const std::optional<GaussianMixture>& mixture,
             uint64_t seed) {
  const GaussianMixture g = mixture ? *mixture : pair_mixture(leg.data);
  const double T = leg.steps * leg.dt;
  const Process p = ou(T);
  const MixtureScore score(g, p);
  GridSpec spec = shape.spec(ProcessKind::OU, leg.steps, 0.0);
  TrajectoryEntropyOptions o;
  o.trajectories = s.trajectories;
  o.seed = seed;
  o.scheme = leg.scheme;
  auto run = [&](const TrajectoryEntropyOptions& oo) {
    const TimeGrid grid = make_grid(p, spec, 0.0, T);
    return reverse ? reverse_trajectory_entropy(g, p, score, grid, oo) : forward_trajectory_entropy(g, p, grid, oo);
  };
  Refinement rf;
  const TrajectoryEntropy main = refine_steps(shape, leg.steps, [&](int steps) {
    spec.steps = steps;
    return run(o);
  }, [](const TrajectoryEntropy& e) {
    return dt_errors_small({e.total_mean_dt}, {e.total.mean_se()}) &&
           (e.total.variance() > 2.0 || dt_errors_small({e.ift_dt}, {e.ift.mean_se()}));
  }, rf);
  json j = entropy_json(main, s.bins);
  j["flags"] = leg_flags(reverse ? "reverse" : "forward", main);
  o.rule = MediumRule::PrePoint;  // the negative control
  o.keep = false;
  o.dt_error = false;
  const TrajectoryEntropy pre = run(o);
  j["pre_point"] = {{"ift", pre.ift.mean()}, {"ift_se", pre.ift.mean_se()}, {"total_mean", pre.total.mean()}};
  j["data"] = mixture ? mixture_json(g) : data_json(leg.data);
  j["grid"] = grid_record(spec, make_grid(p, spec, 0.0, T), &rf);  // spec holds the steps refinement reached
  j["integrator"] = reverse ? reverse_scheme_name(leg.scheme) : "exact Gaussian transition";
  return j;
}

json run_flow(const FlowSpec& s, const std::optional<GaussianMixture>& mixture, uint64_t seed) {
  const GaussianMixture g = mixture ? *mixture : pair_mixture(s.data);
  const Process p = ou(s.t_max);
  std::vector<double> t, mc_t;
  for (int i = 1; i <= s.nodes; ++i) t.push_back(s.t_max * i / s.nodes);
  for (size_t i = 0; i < t.size(); i += mixture ? 1 : 4) mc_t.push_back(t[i]);
  json m = {{"t", mc_t}};
  for (const char* k : {"pi", "pi_se", "phi", "phi_se", "dS", "dS_se", "phi_rev", "phi_rev_se"}) m[k] = json::array();
  for (const EntropyFlowPoint& q : entropy_flow_mc(g, p, mc_t, s.samples, seed)) {
    m["pi"].push_back(q.pi), m["pi_se"].push_back(q.pi_se), m["phi"].push_back(q.phi), m["phi_se"].push_back(q.phi_se);
    m["dS"].push_back(q.dS), m["dS_se"].push_back(q.dS_se), m["phi_rev"].push_back(q.phi_rev), m["phi_rev_se"].push_back(q.phi_rev_se);
  }
  if (mixture) {
    // No closed form: the minimum of phi* from the Monte Carlo nodes.
    const auto& pr = m["phi_rev"];
    size_t imin = 0;
    for (size_t i = 1; i < pr.size(); ++i)
      if (pr[i].get<double>() < pr[imin].get<double>()) imin = i;
    return {{"data", mixture_json(g)}, {"closed_form", nullptr}, {"monte_carlo", m}, {"samples", s.samples},
            {"t_S_biroli", 0.5 * std::log(covariance_top_eigenvalue(g))}, {"argmin_phi_rev", mc_t[imin]},
            {"min_phi_rev", pr[imin]}};
  }
  json cf = {{"t", t}};
  std::vector<double> pi, phi, dS, phi_rev;
  for (double x : t) {
    const EntropyFlowPoint q = entropy_flow_two_gaussians(s.data.mu, s.data.s2, s.data.d, x);
    pi.push_back(q.pi), phi.push_back(q.phi), dS.push_back(q.dS), phi_rev.push_back(q.phi_rev);
  }
  cf["pi"] = pi, cf["phi"] = phi, cf["dS"] = dS, cf["phi_rev"] = phi_rev;
  const size_t imin = size_t(std::min_element(phi_rev.begin(), phi_rev.end()) - phi_rev.begin());
  return {{"data", data_json(s.data)}, {"closed_form", cf}, {"monte_carlo", m}, {"samples", s.samples},
          {"t_S_curvature", finite_or_null(speciation_time_curvature(s.data.mu, s.data.s2))},
          {"t_S_biroli", 0.5 * std::log(s.data.mu * s.data.mu + s.data.s2)},
          {"argmin_phi_rev", t[imin]}, {"min_phi_rev", phi_rev[imin]}};
}

json run_potential(const PotentialSpec& s) {
  const GaussianMixture g = pair_mixture(s.data);
  const Process p = ou(50);
  const double ts = speciation_time_curvature(s.data.mu, s.data.s2), tu = unstable_symmetry_breaking_time(s.data.s2);
  std::vector<double> times = ts > 0 ? std::vector<double>{0.5 * ts, ts, 2 * ts} : std::vector<double>{0.1, 0.5, 1.0};
  const int nx = 201;
  std::vector<double> xs;
  Mat X(nx, s.data.d);
  for (int i = 0; i < nx; ++i) {
    xs.push_back(-s.x_range + 2 * s.x_range * i / (nx - 1));
    X.row(i).setConstant(xs.back() / std::sqrt(double(s.data.d)));  // along mu
  }
  json profiles = json::array();
  for (double t : times) {
    Vec U;
    reverse_potential(g, p, t, X, U);
    U.array() -= U[nx / 2];  // U(0) = 0
    profiles.push_back({{"t", t}, {"U", vec_json(U)}});
  }
  // Phase diagram over (mu, s2).
  std::vector<double> mus, s2s;
  for (int i = 0; i < s.grid; ++i) mus.push_back(s.mu_max * i / (s.grid - 1)), s2s.push_back(s.s2_max * (i + 1) / s.grid);
  json region = json::array(), tS = json::array();
  for (double s2 : s2s) {
    json rr = json::array(), tt = json::array();
    for (double mu : mus) {
      rr.push_back(int(phase_region(mu, s2)));
      const double v = speciation_time_curvature(mu, s2);
      tt.push_back(v > 0 ? json(v) : json(nullptr));
    }
    region.push_back(rr), tS.push_back(tt);
  }
  std::vector<double> bs2, bmu;  // the boundary |mu|^2 = s2 - s2^2/2 on (0, 2)
  for (int i = 1; i < 200; ++i) {
    const double s2 = 2.0 * i / 200;
    bs2.push_back(s2), bmu.push_back(std::sqrt(s2 - 0.5 * s2 * s2));
  }
  return {{"data", data_json(s.data)},
          {"t_S_curvature", finite_or_null(ts)},
          {"t_S_biroli", 0.5 * std::log(s.data.mu * s.data.mu + s.data.s2)},
          {"t_USB", finite_or_null(tu)},
          {"region", phase_region_name(phase_region(s.data.mu, s.data.s2))},
          {"profiles", {{"x", xs}, {"curves", profiles}, {"axis", "coordinate along mu"}}},
          {"phase", {{"mu", mus}, {"s2", s2s}, {"region", region}, {"t_S", tS},
                     {"regions", {phase_region_name(PhaseRegion::Speciation), phase_region_name(PhaseRegion::NoTransition),
                                  phase_region_name(PhaseRegion::UnstableSymmetryBreaking)}},
                     {"boundary", {{"s2", bs2}, {"mu", bmu}}}}}};
}

json run_franz_parisi(const FranzParisiSpec& s, uint64_t seed) {
  PairData one = s.data;
  one.d = 1;
  const GaussianMixture g = pair_mixture(one);
  const Process p = ou(20);
  std::vector<double> q;
  for (int i = 0; i < s.nq; ++i) q.push_back(s.q0 + s.dq * i);
  json runs = json::array();
  for (double t : s.t) {
    const FranzParisi r = franz_parisi_1d(g, p, t, q, s.pairs, seed);
    runs.push_back({{"t", t}, {"V", vec_json(r.V)}, {"V_se", vec_json(r.V_se)}, {"dV", vec_json(r.dV)}, {"d2V", vec_json(r.d2V)},
                    {"inflections", r.inflections}});
  }
  json j = {{"data", data_json(one)}, {"q", q}, {"pairs", s.pairs}, {"runs", runs}};
  if (s.P > 0) {
    const Mat A = draw_dataset(symmetric_pair(s.d_emp, s.data.mu, s.data.s2), {seed, Stream::Data}, s.P);
    // Bin range from the overlaps of the first (up to 200) points with all (no P x P matrix), widened
    // by 10%; overlaps outside it are not counted in any bin.
    const Mat Q = A.topRows(std::min(s.P, 200)) * A.transpose() / double(s.d_emp);
    const double w = 0.05 * (Q.maxCoeff() - Q.minCoeff()), lo = Q.minCoeff() - w, hi = Q.maxCoeff() + w;
    std::vector<double> edges;
    for (int b = 0; b <= s.bins; ++b) edges.push_back(lo + (hi - lo) * b / s.bins);
    json er = json::array();
    for (double t : s.t) {
      const FranzParisiBinned r = franz_parisi_binned(A, p, t, edges, s.samples, seed);
      er.push_back({{"t", t}, {"V", vec_json(r.V)}, {"V_se", vec_json(r.V_se)}, {"samples", r.samples}});
    }
    j["empirical"] = {{"P", s.P}, {"d", s.d_emp}, {"edges", edges}, {"samples", s.samples}, {"runs", er},
                      {"overlap", "q = a_mu . a_nu / d between a planted point and the others"}};
  }
  return j;
}

}  // namespace

json run_nonequilibrium_experiment(const NonequilibriumConfig& c, const RunContext& ctx) {
  const auto t0 = Clock::now();
  json out = json::object();
  StageClock clock;
  auto timed = [&](const char* name, const StageSizes& sizes, const std::function<json()>& fn) {
    clock.section(ctx, name, sizes, out, fn);
  };
  if (c.ift)
    timed("ift", {"ift.trajectories"}, [&] {
      json j = {{"trajectories", c.ift->trajectories}, {"forward", run_leg(c.ift->forward, *c.ift, c.grid, false, c.mixture, c.seed)},
                {"reverse", run_leg(c.ift->reverse, *c.ift, c.grid, true, c.mixture, c.seed)}};
      for (const char* leg : {"forward", "reverse"}) {
        const json& x = j[leg];
        ctx.log(fmt::format("  {:<8} <e^-dS_tot> = {:.5f} +- {:.5f} (dt {:+.1e})  <dS_tot> = {:.5f} +- {:.5f} (dt {:+.1e}) nats  [{}]",
                            leg, x["ift"].get<double>(), x["ift_se"].get<double>(), x["ift_dt_error"].is_number() ? x["ift_dt_error"].get<double>() : NAN,
                            x["total"]["mean"].get<double>(), x["total"]["mean_se"].get<double>(),
                            x["total_mean_dt_error"].is_number() ? x["total_mean_dt_error"].get<double>() : NAN,
                            x["integrator"].get<std::string>()));
      }
      return j;
    });
  if (c.flow) timed("flow", {"flow.samples"}, [&] { return run_flow(*c.flow, c.mixture, c.seed); });
  if (c.potential) timed("potential", {}, [&] { return run_potential(*c.potential); });
  if (c.franz_parisi) timed("franz_parisi", {"franz_parisi.pairs"}, [&] { return run_franz_parisi(*c.franz_parisi, c.seed); });
  const bool ift = out.contains("ift");
  out["flags"] = gathered_flags({ift ? &out["ift"]["forward"] : nullptr, ift ? &out["ift"]["reverse"] : nullptr});
  out["timing_s"] = clock.record(t0);
  return out;
}

}  // namespace td
