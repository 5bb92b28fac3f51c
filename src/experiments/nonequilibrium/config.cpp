#include "experiments/nonequilibrium/config.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/grid_config.hpp"
#include "experiments/header_config.hpp"
#include "experiments/distribution_config.hpp"

namespace td {
namespace {

// mu, s2, d of a table, defaulting to `base`.
PairData read_pair(ConfigReader& r, const PairData& base) {
  PairData p = base;
  p.mu = r.number("mu", p.mu, "norm of the component means");
  p.s2 = r.number("s2", p.s2, "component variance");
  p.d = r.int32("d", p.d, "dimension");
  r.require(p.mu >= 0 && p.mu <= 100, "mu", fmt::format("must be in [0, 100] (got {})", p.mu));
  r.require(p.s2 > 0 && p.s2 <= 100, "s2", fmt::format("must be in (0, 100] (got {})", p.s2));
  r.require(p.d >= 1 && p.d <= 4096, "d", fmt::format("must be in [1, 4096] (got {})", p.d));
  return p;
}

IftLeg read_leg(ConfigReader r, const IftLeg& base, bool reverse) {
  IftLeg l = base;
  l.data = read_pair(r, base.data);
  l.steps = r.int32("steps", l.steps, reverse ? "reverse-SDE steps" : "steps (exact Gaussian transitions)");
  if (reverse) l.scheme = read_reverse_scheme(r, l.scheme);
  l.dt = r.number("dt", l.dt, "step [t]");
  r.require(l.steps >= 1 && l.steps <= 1000000, "steps", "must be in [1, 10^6]");
  r.require(l.dt > 0 && l.dt * l.steps <= 100, "dt", "must be > 0 with steps x dt <= 100");
  r.finish();
  return l;
}

}  // namespace

NonequilibriumConfig parse_nonequilibrium_config(const toml::table& root, const std::string& file) {
  ConfigReader r(root, file);
  NonequilibriumConfig c;
  const ConfigHeader h = read_header(r, "nonequilibrium",
      "Nonequilibrium physics of the forward and reverse processes (Yu & Huang)");
  c.title = h.title;
  c.seed = h.seed;
  PairData data;
  {
    ConfigReader d = r.section("data",
        "two Gaussians N(+-mu, s2 I) along (1,...,1)/sqrt(d), OU: { mu, s2, d } or { mixture }");
    data = read_pair(d, data);
    if (d.has("mixture")) {
      d.require(!d.has("mu") && !d.has("d"), "mixture", "give either the pair (mu, s2, d) or a mixture, not both");
      c.mixture = read_mixture(d.table("mixture", "the data as a Gaussian mixture instead of the pair"));
    }
    d.finish();
  }
  if (auto t = r.optional_table("ift",
      "trajectory entropies dS, dS_E (Stratonovich), dS_tot and <exp(-dS_tot)>, forward and reverse")) {
    IftSpec s;
    s.forward.data = s.reverse.data = data;
    s.trajectories = t->integer("trajectories", s.trajectories, "paths per direction");
    s.bins = t->int32("bins", s.bins, "histogram bins");
    t->require(s.trajectories >= 2 && s.trajectories <= int64_t(1) << 30, "trajectories", "must be in [2, 2^30]");
    t->require(s.bins >= 4 && s.bins <= 10000, "bins", "must be in [4, 10000]");
    if (t->has("forward")) s.forward = read_leg(t->table("forward", "forward leg { steps, dt, mu, s2, d }"), s.forward, false);
    if (t->has("reverse")) s.reverse = read_leg(t->table("reverse", "reverse leg { steps, dt, scheme, mu, s2, d }"), s.reverse, true);
    if (c.mixture)
      t->require(s.forward.data.s2 == data.s2 && s.reverse.data.s2 == data.s2 && s.forward.data.mu == data.mu &&
                     s.reverse.data.mu == data.mu,
                 "forward", "mu and s2 overrides apply to the pair, not to [data] mixture");
    t->finish();
    c.ift = s;
    c.grid = read_grid_shape(r, "the [ift] legs' steps", GridKind::Uniform, true);
    r.require(!c.grid.kind || *c.grid.kind == GridKind::Uniform || *c.grid.kind == GridKind::Sigma, "grid",
              "kind must be \"uniform\" or \"sigma\" here: the [ift] legs start at t = 0, where the other kinds have no nodes");
  }
  if (auto t = r.optional_table("flow", "entropy production pi, flow phi, dS/dt [nats/t], forward and reverse")) {
    FlowSpec s;
    s.data = read_pair(*t, data);
    s.t_max = t->number("t_max", s.t_max, "end of the time range [t]");
    s.nodes = t->int32("nodes", s.nodes, "time nodes");
    s.samples = t->int32("samples", s.samples, "Monte Carlo samples per node");
    t->require(s.t_max > 0 && s.t_max <= 50, "t_max", "must be in (0, 50]");
    t->require(s.nodes >= 4 && s.nodes <= 100000, "nodes", "must be in [4, 10^5]");
    t->require(s.samples >= 2 && s.samples <= 1 << 24, "samples", "must be in [2, 2^24]");
    t->finish();
    c.flow = s;
  }
  if (auto t = r.optional_table("potential", "U = -2 ln p_t - |x|^2/2, t_S, t_USB and the phase diagram")) {
    PotentialSpec s;
    s.data = read_pair(*t, data);
    s.mu_max = t->number("mu_max", s.mu_max, "phase diagram: largest |mu|");
    s.s2_max = t->number("s2_max", s.s2_max, "phase diagram: largest s2");
    s.grid = t->int32("grid", s.grid, "phase diagram points per axis");
    s.x_range = t->number("x_range", s.x_range, "U profiles on [-x_range, x_range] along mu");
    t->require(s.mu_max > 0 && s.s2_max > 0, "mu_max", "mu_max and s2_max must be > 0");
    t->require(s.grid >= 3 && s.grid <= 2000, "grid", "must be in [3, 2000]");
    t->require(s.x_range > 0, "x_range", "must be > 0");
    t->finish();
    c.potential = s;
  }
  if (auto t = r.optional_table("franz_parisi", "Franz-Parisi potential V(q, t), derivatives and inflection points")) {
    FranzParisiSpec s;
    s.data = read_pair(*t, data);
    s.t = t->numbers("t", s.t, "times [t]");
    s.pairs = t->int32("pairs", s.pairs, "planted pairs per time");
    s.q0 = t->number("q0", s.q0, "first overlap q");
    s.dq = t->number("dq", s.dq, "overlap step");
    s.nq = t->int32("nq", s.nq, "overlap points");
    s.P = t->int32("P", s.P, "points of the binned empirical version (0 = skip)");
    s.d_emp = t->int32("d_empirical", s.d_emp, "their dimension");
    s.bins = t->int32("bins", s.bins, "overlap bins");
    s.samples = t->int32("samples", s.samples, "samples of x_t per time");
    t->require(!s.t.empty(), "t", "needs at least one time");
    for (double v : s.t) t->require(v > 0 && v <= 20, "t", fmt::format("times must be in (0, 20] (got {})", v));
    t->require(s.pairs >= 2 && s.pairs <= 1 << 24, "pairs", "must be in [2, 2^24]");
    t->require(s.q0 > 0 && s.dq > 0, "q0", "q0 and dq must be > 0");
    t->require(s.nq >= 3 && s.nq <= 100000, "nq", "must be in [3, 10^5]");
    t->require(s.P == 0 || (s.P >= 2 && s.P <= 100000), "P", "must be 0 (skip the empirical version) or in [2, 10^5]");
    t->require(s.d_emp >= 1 && s.d_emp <= 100000, "d_empirical", "must be in [1, 10^5]");
    t->require(s.bins >= 2 && s.bins <= 10000, "bins", "must be in [2, 10^4]");
    t->require(s.samples >= 2 && s.samples <= 1 << 22, "samples", "must be in [2, 2^22]");
    t->finish();
    c.franz_parisi = s;
  }
  r.require(c.ift || c.flow || c.potential || c.franz_parisi, "experiment",
            "names no analysis: add at least one of [ift], [flow], [potential], [franz_parisi]");
  r.finish();
  c.resolved = r.resolved();
  return c;
}

}  // namespace td
