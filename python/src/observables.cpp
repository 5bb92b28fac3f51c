// The observables on numpy: the NLL of samples by the probability-flow ODE, entropy rates and
// conditional-entropy rates along the forward process, the pathwise conditional entropy and its
// variance V_h, speciation (time, cloning) and collapse, and the fixed-point tree. Each keys its
// randomness as the experiment that uses it does (data: the stream and substream given, with the
// experiments' defaults), so the same seed gives the experiment's numbers.
#include <pybind11/numpy.h>

#include "bindings.hpp"
#include "observe/memorization.hpp"
#include "observe/intrinsic_dimension.hpp"
#include "observe/model_collapse.hpp"
#include "observe/score_spectrum.hpp"
#include "observe/nearest_neighbors.hpp"
#include "sim/ensemble.hpp"
#include "core/error.hpp"
#include "observe/conditional_entropy.hpp"
#include "observe/entropy_rates.hpp"
#include "observe/fixed_points.hpp"
#include "observe/likelihood.hpp"
#include "observe/pathwise_entropy.hpp"
#include "observe/speciation.hpp"
#include "process/grids.hpp"

namespace td::py {
namespace {

pb::dict curve(const RateCurve& c) {
  pb::dict d;
  d["value"] = c.value, d["se"] = c.se;
  d["integral"] = c.integral.value, d["integral_se"] = c.integral.se, d["integral_dt_error"] = c.integral_dt;
  return d;
}

pb::dict variance_dict(const EntropyVariance& v) {
  pb::dict d;
  d["t"] = v.t, d["mean"] = v.mean, d["mean_se"] = v.mean_se, d["var"] = v.var, d["var_se"] = v.var_se;
  d["mean_dt_error"] = v.mean_dt, d["var_dt_error"] = v.var_dt;
  d["peak_t"] = v.peak.t, d["peak_height"] = v.peak.height, d["peak_width"] = v.peak.width, d["rule"] = v.rule;
  d["peak_at"] = v.peak.at;  // "interior", or "lower edge" / "upper edge": the maximum is there, not a peak
  return d;
}

GridKind grid_kind_or_default(const Process& p, const std::string& kind) {
  return kind.empty() ? default_grid(p.kind(), 2, p.t_min()).kind : parse_grid_kind(kind);
}

DataFn mixture_source(const GaussianMixture& gm, uint64_t seed, const std::string& stream, uint32_t substream) {
  return mixture_data(gm, RngKey(seed, stream_named(stream), substream));
}

void add_nll(pb::module_& m) {
  m.def(
      "nll",
      [](const Process& p, const std::shared_ptr<Score>& score, const Mat& X0, int probes, const std::string& solver,
         double rtol, double atol, int rk4_steps, uint64_t seed) {
        if (solver != "dopri5" && solver != "rk4") throw InputError("nll: solver '" + solver + "': expected dopri5 or rk4");
        NllOptions o;
        o.solver = solver == "rk4" ? OdeSolver::RK4 : OdeSolver::DormandPrince;
        o.rtol = rtol, o.atol = atol, o.rk4_steps = rk4_steps, o.hutchinson_probes = probes, o.seed = seed;
        NllResult r;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          r = pf_ode_nll(p, *score, X0, o, gaussian_prior(p, score->dim()));
        });
        pb::dict d;
        d["nll"] = r.nll, d["log_prior"] = r.log_prior, d["delta"] = r.delta, d["probe_var"] = r.probe_var;
        d["x_T"] = r.xT, d["t_reached"] = r.t_reached, d["nfe"] = r.nfe, d["steps"] = r.steps;
        std::vector<bool> incomplete(r.incomplete.begin(), r.incomplete.end());
        d["incomplete"] = incomplete;
        return d;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("x"), pb::arg("hutchinson_probes") = 0, pb::arg("solver") = "dopri5",
      pb::arg("rtol") = 1e-5, pb::arg("atol") = 1e-5, pb::arg("rk4_steps") = 1000, pb::arg("seed") = 1,
      "NLL [nats] of each row of x by the probability-flow ODE to the process's prior (docs/likelihood.md): "
      "nll = -log_prior - delta; probe_var: the variance the Hutchinson probes add (>= 2 probes).");
}

void add_rates(pb::module_& m) {
  m.def(
      "entropy_rates",
      [](const Process& p, const std::shared_ptr<Score>& score, const GaussianMixture& data, int nodes, int samples,
         int probes, uint64_t seed, const std::string& grid, const std::shared_ptr<Score>& exact,
         const std::string& stream, uint32_t substream) {
        EntropyRateOptions o;
        o.nodes = nodes, o.samples = samples, o.hutchinson_probes = probes, o.seed = seed;
        o.grid = grid_kind_or_default(p, grid);
        EntropyRates r;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          r = entropy_rates(p, *score, mixture_source(data, seed, stream, substream), o, exact.get());
        });
        pb::dict d;
        d["t"] = r.t, d["intrinsic"] = curve(r.intrinsic), d["exchange"] = curve(r.exchange);
        d["exchange_z"] = curve(r.exchange_z), d["system"] = curve(r.system), d["forward"] = curve(r.forward);
        if (exact) d["score_error"] = curve(r.score_error);
        d["ratio"] = r.ratio;
        return d;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("data"), pb::arg("nodes") = 120, pb::arg("samples") = 1000,
      pb::arg("hutchinson_probes") = 0, pb::arg("seed") = 1, pb::arg("grid") = "", pb::arg("exact") = nullptr,
      pb::arg("stream") = "test", pb::arg("substream") = 1,
      "Entropy rates [nats per unit t] along the forward process of `data` (docs/likelihood.md): intrinsic, "
      "exchange (by the divergence and by z), system, forward, with SEs, integrals and quadrature errors.");
  m.def(
      "conditional_entropy",
      [](const Process& p, const std::shared_ptr<Score>& score, const GaussianMixture& data, int nodes, int samples,
         int probes, uint64_t seed, const std::string& grid, const std::string& stream, uint32_t substream) {
        ConditionalEntropyOptions o;
        o.nodes = nodes, o.samples = samples, o.hutchinson_probes = probes, o.seed = seed;
        o.grid = grid_kind_or_default(p, grid);
        ConditionalEntropyRates r;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          r = conditional_entropy_rates(p, *score, mixture_source(data, seed, stream, substream), o, &data);
        });
        pb::dict d;
        d["t"] = r.t, d["sigma_tilde"] = r.sigma_tilde, d["score_norm"] = curve(r.score_norm);
        d["divergence"] = curve(r.divergence), d["x0_error"] = curve(r.x0_error), d["marginal"] = curve(r.marginal);
        d["posterior_var"] = curve(r.posterior_var), d["total"] = r.total, d["div"] = r.div, d["div_se"] = r.div_se;
        d["fisher_trace"] = r.fisher_trace;
        return d;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("data"), pb::arg("nodes") = 120, pb::arg("samples") = 1000,
      pb::arg("hutchinson_probes") = 0, pb::arg("seed") = 1, pb::arg("grid") = "", pb::arg("stream") = "data",
      pb::arg("substream") = 0,
      "Conditional-entropy rates dH[x_0|x_t]/dt [nats per unit t] by four estimators (docs/information.md).");
}

void add_information(pb::module_& m) {
  m.def(
      "pathwise_entropy",
      [](const GaussianMixture& data, const Process& p, const std::vector<double>& t, int samples, uint64_t seed) {
        EntropyVariance v;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          v = pathwise_entropy_forward(data, p, t, samples, seed);
        });
        return variance_dict(v);
      },
      pb::arg("data"), pb::arg("process"), pb::arg("times"), pb::arg("samples"), pb::arg("seed") = 1,
      "The pathwise conditional entropy h_t(x_t) = H[x_0|x_t = x] over exact samples of p_t: its mean and its "
      "variance V_h(t) [nats^2] with SEs, and V_h's peak (docs/information.md).");
  m.def(
      "pathwise_entropy_generative",
      [](const GaussianMixture& data, const Process& p, const std::shared_ptr<Score>& score, const std::vector<double>& times,
         int samples, int stride, uint64_t seed, bool dt_error) {
        GenerativeEntropy g;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          g = pathwise_entropy_generative(data, p, *score, TimeGrid(times), samples, stride, 0, seed,
                                          ReverseScheme::EulerMaruyama, dt_error);
        });
        return variance_dict(g.v);
      },
      pb::arg("data"), pb::arg("process"), pb::arg("score"), pb::arg("times"), pb::arg("samples"), pb::arg("stride") = 1,
      pb::arg("seed") = 1, pb::arg("dt_error") = true,
      "V_h along reverse-SDE trajectories driven by `score` on the grid `times` (docs/information.md).");
  m.def(
      "speciation_time",
      [](const pb::object& data) {
        const double lambda = pb::isinstance<GaussianMixture>(data) ? covariance_top_eigenvalue(data.cast<GaussianMixture>())
                                                                    : covariance_top_eigenvalue(data.cast<Mat>());
        return pb::make_tuple(speciation_time(lambda), lambda);
      },
      pb::arg("data"),
      "(t_S, Lambda): t_S = 1/2 ln Lambda (OU time), Lambda the largest eigenvalue of the data's covariance "
      "(a Mixture's, or the rows of an array's).");
  m.def(
      "cloning",
      [](const GaussianMixture& data, const Process& p, const std::shared_ptr<Score>& score, const std::vector<double>& times,
         const std::vector<double>& branch_times, int samples, uint64_t seed, bool dt_error) {
        CloningOptions o;
        o.samples = samples, o.branch_times = branch_times, o.seed = seed, o.dt_error = dt_error;
        CloningResult r;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          r = cloning_probability(data, p, *score, TimeGrid(times), o);
        });
        pb::dict d;
        d["t"] = r.t, d["phi"] = r.phi, d["phi_se"] = r.phi_se, d["phi_dt_error"] = r.phi_dt;
        d["theory"] = r.theory, d["theory_se"] = r.theory_se;
        return d;
      },
      pb::arg("data"), pb::arg("process"), pb::arg("score"), pb::arg("times"), pb::arg("branch_times"),
      pb::arg("samples") = 10000, pb::arg("seed") = 1, pb::arg("dt_error") = true,
      "Cloning: P(a copy branched at t ends in the same class) with its theory (docs/information.md).");
  m.def(
      "excess_entropy",
      [](const Mat& points, const Process& p, const std::vector<double>& t, int samples, uint64_t seed, double threshold,
         int bootstrap) {
        CollapseResult r;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          r = excess_entropy(points, p, t, samples, seed, threshold, bootstrap);
        });
        pb::dict d;
        d["t"] = r.t, d["fe"] = r.fe, d["fe_se"] = r.fe_se, d["t_collapse"] = r.t_collapse;
        d["t_collapse_ci95"] = std::vector<double>{r.t_collapse_lo, r.t_collapse_hi}, d["threshold"] = r.threshold;
        return d;
      },
      pb::arg("points"), pb::arg("process"), pb::arg("times"), pb::arg("samples") = 2000, pb::arg("seed") = 1,
      pb::arg("threshold") = 0.05, pb::arg("bootstrap") = 400,
      "Collapse: the excess entropy f^e(t) per dimension of the training points' empirical marginal, and t_C.");
  m.def(
      "model_collapse",
      [](const Process& p, const std::shared_ptr<Score>& score, const Mat& train, const Mat& held_out, const std::vector<double>& t,
         int samples, int steps, uint64_t seed, double threshold, int bootstrap) {
        ModelCollapseOptions o;
        o.times = t, o.samples = samples, o.steps = steps, o.seed = seed, o.threshold = threshold, o.bootstrap = bootstrap;
        ModelCollapseResult r;
        interruptible_void([&] { r = model_collapse(p, *score, train, held_out, o); });  // no Python; Ctrl-C stops it
        const auto reading = [](const CollapseResult& c) {
          pb::dict d;
          d["f"] = c.fe, d["f_se"] = c.fe_se, d["t_collapse"] = c.t_collapse;
          d["t_collapse_ci95"] = std::vector<double>{c.t_collapse_lo, c.t_collapse_hi};
          return d;
        };
        pb::dict d;
        d["t"] = r.commitment.t, d["threshold"] = threshold, d["train"] = reading(r.commitment);
        d["held_out"] = held_out.rows() > 0 ? pb::object(reading(r.held_commitment)) : pb::none();
        d["eps_train"] = r.eps_train, d["eps_train_se"] = r.eps_train_se, d["eps_held"] = r.eps_held, d["eps_held_se"] = r.eps_held_se;
        return d;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("train"), pb::arg("held_out"), pb::arg("times"), pb::arg("samples") = 256,
      pb::arg("steps") = 200, pb::arg("seed") = 1, pb::arg("threshold") = 0.05, pb::arg("bootstrap") = 400,
      "A model's own collapse (docs/memorization.md#s7.4): the entropy per dimension of the training set's posterior along "
      "the model's reverse paths and t_C^model, the same over held-out rows (the null), and the model's noise prediction "
      "against both sets' empirical scores.");
  m.def(
      "spectrum",
      [](const std::shared_ptr<Score>& score, const Mat& X, double t, int full_max_dim, int block, int steps, uint64_t seed) {
        const SpectrumOptions o{full_max_dim, block, steps};
        PointSpectra r;
        interruptible_void([&] { r = score_spectra(*score, X, t, o, {seed, Stream::Geometry, 2}); });  // no Python
        pb::dict d;
        d["values"] = r.values, d["residual"] = r.residual, d["asymmetry"] = r.asymmetry, d["full"] = r.full;
        return d;
      },
      pb::arg("score"), pb::arg("X"), pb::arg("t"), pb::arg("full_max_dim") = 64, pb::arg("block") = 4, pb::arg("steps") = 12,
      pb::arg("seed") = 1,
      "Eigenvalues of the symmetric part of the score's Jacobian at each row of X (docs/geometry.md#s8.1): all of them up to "
      "d = full_max_dim, else block Lanczos' Ritz values with their residual bounds; and |J - J^T| / |J + J^T| per point.");
  m.def(
      "intrinsic_dimension",
      [](const Process& p, const std::shared_ptr<Score>& score, const Mat& X0, double t, int probes, int full_max_dim, int block,
         int steps, uint64_t seed) {
        const SpectrumOptions o{full_max_dim, block, steps};
        SpectralDimension sd;
        NoiseDerivativeDimension nd;
        interruptible_void([&] {  // no Python; Ctrl-C stops it
          sd = spectral_dimension(score_spectra(*score, p.alpha(t) * X0, t, o, {seed, Stream::Geometry, 3}), p.sigma2(t));
          nd = noise_derivative_dimension(*score, p, X0, t, probes, {seed, Stream::Geometry, 4});
        });
        pb::dict d;
        d["t"] = t, d["sigma_tilde"] = p.sigma_tilde(t);
        d["spectral"] = sd.dimension, d["unresolved"] = sd.unresolved, d["noise_derivative"] = nd.dimension, d["noise_derivative_se"] = nd.se;
        return d;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("X0"), pb::arg("t"), pb::arg("probes") = 0, pb::arg("full_max_dim") = 64,
      pb::arg("block") = 4, pb::arg("steps") = 12, pb::arg("seed") = 1,
      "Local intrinsic dimension of clean points X0 at time t (docs/geometry.md#s8.3): the spectral count of sigma^2 lambda > "
      "-1/2 (with the values Lanczos left unresolved) and the noise derivative d + sigma^2 (div s + |s|^2) at alpha(t) X0.");
  m.def(
      "fixed_points",
      [](const GaussianMixture& data, const Process& p, int nodes) {
        FixedPointOptions o;
        o.nodes = nodes;
        FixedPointTree tree;
        interruptible_void([&] {  // no Python; Ctrl-C stops it (KeyboardInterrupt)
          tree = fixed_point_tree(data, p, o);
        });
        pb::list branches;
        for (const FixedPointBranch& b : tree.branches) {
          pb::dict d;
          d["members"] = b.members, d["children"] = b.children, d["parent"] = b.parent;
          d["t_start"] = b.t_start, d["t_end"] = b.t_end, d["lambda_at_merge"] = b.lambda_at_merge;
          d["t"] = b.t, d["path"] = b.path, d["lambda_max"] = b.lambda_max;
          branches.append(d);
        }
        pb::dict out;
        out["t"] = tree.t, out["branches"] = branches, out["unconverged"] = tree.unconverged;
        return out;
      },
      pb::arg("data"), pb::arg("process"), pb::arg("nodes") = 400,
      "The fixed points of the exact score from the data side to the noise side and where they merge (docs/information.md).");
}

// Memorization of a training set by samples (docs/memorization.md) and the exact nearest neighbours behind it.
void add_memorization(pb::module_& m) {
  m.def(
      "memorization",
      [](const Mat& samples, const Mat& train, const Mat& held_out, double threshold) {
        MemorizationResult r;
        interruptible_void([&] { r = memorization(samples, train, held_out, threshold); });  // Ctrl-C stops it
        const auto prop = [](const Proportion& p) {
          pb::dict d;
          d["fraction"] = p.value, d["lo"] = p.lo, d["hi"] = p.hi, d["count"] = p.hits, d["n"] = p.n;
          return d;
        };
        pb::dict d;
        d["threshold"] = r.threshold, d["d1"] = r.d1, d["d2"] = r.d2, d["d_held"] = r.d_held, d["nearest"] = r.nearest;
        d["memorized"] = prop(r.memorized);
        d["baseline"] = held_out.rows() > 0 ? pb::object(prop(r.baseline)) : pb::none();
        return d;
      },
      pb::arg("samples"), pb::arg("train"), pb::arg("held_out"), pb::arg("threshold"),
      "Per sample the distances d1, d2 to its nearest two training points and d_held to the nearest held-out "
      "point; the fraction with d1/d2 < threshold (95% Wilson interval) and the same for the held-out points.");
  m.def(
      "sample",
      [](const Process& p, const std::shared_ptr<Score>& score, int n, const std::string& sampler, int steps, uint64_t seed) {
        if (sampler != "sde" && sampler != "ode") throw InputError("sample: sampler '" + sampler + "': expected sde or ode");
        Mat X;
        interruptible_void([&] { X = sample_denoised(p, *score, n, steps, sampler == "ode", seed); });
        return X;
      },
      pb::arg("process"), pb::arg("score"), pb::arg("n"), pb::arg("sampler"), pb::arg("steps"), pb::arg("seed"),
      "n samples of a score's model at t = 0: the reverse SDE (Heun) or the PF-ODE (RK4) on `steps` uniform steps, then "
      "Tweedie's step from t_min.");
  m.def(
      "nearest_neighbors",
      [](const Mat& queries, const Mat& refs, int k) {
        Neighbors nb;
        interruptible_void([&] { nb = nearest_neighbors(queries, refs, k); });
        return pb::make_tuple(Eigen::Matrix<int64_t, Eigen::Dynamic, Eigen::Dynamic>(nb.index), Mat(nb.dist));
      },
      pb::arg("queries"), pb::arg("refs"), pb::arg("k"),
      "Exact k nearest reference rows of every query row: (indices, distances), nearest first.");
}

}  // namespace

void add_observables(pb::module_& m) {
  add_nll(m);
  add_rates(m);
  add_information(m);
  add_memorization(m);
}

}  // namespace td::py
