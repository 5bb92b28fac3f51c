"""The engine's building blocks on numpy arrays: processes, mixtures and their exact scores, model
scores read through the model contract, and the TAEP ensemble. Every constructor takes the keys a
config would (read by the engine's own readers: the same checks and messages), and every random
draw is keyed (seed, stream, id, step) as in the experiments, so the same seed gives the CLI's numbers."""
import json

import numpy as np

from . import _core
from ._core import InputError, Mixture, Process as _Process, Score
from .runs import _arrays, _json_default


def Process(kind="vp", **params):
    """A forward process (docs/processes.md): kind vp, ou, ve, ve_song or edm, with the keys of a
    config's [process] table (beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T)."""
    return _Process(json.dumps(dict(kind=kind, **params), default=_json_default))


def mixture(weights, means, std=None, var=None):
    """A Gaussian mixture: weights [K], means [K, d], and std [K] (isotropic) or var [K, d]."""
    table = dict(weights=np.asarray(weights, float), means=np.atleast_2d(np.asarray(means, float)))
    if std is not None:
        table["std"] = np.asarray(std, float)
    if var is not None:
        table["var"] = np.atleast_2d(np.asarray(var, float))
    return Mixture(json.dumps(dict(mixture=table), default=_json_default))


def ring(K, radius, std, dim=2, **weights):
    """K equal modes on a circle of radius `radius` (docs/mixtures.md); keys as in a config's ring table."""
    return Mixture(json.dumps(dict(ring=dict(K=K, radius=radius, std=std, dim=dim, **weights)), default=_json_default))


def symmetric_pair(dim, m=1.0, var=1.0):
    """Two equal Gaussians N(+-m 1, var I) in `dim` dimensions (Biroli et al.'s speciation data)."""
    means = np.stack([np.full(dim, m), np.full(dim, -m)])
    return mixture([0.5, 0.5], means, var=np.full((2, dim), var))


def exact_score(mix, process):
    """The exact score of a mixture's marginals p_t under `process`, as a Score."""
    return _core.mixture_score(mix, process)


def torchscript_score(file, prediction, process, dim, name="model"):
    """A TorchScript model file (docs/models.md#contract) as a Score: prediction eps, x0 or score."""
    return _core.torchscript_score(str(file), prediction, process, int(dim), name)


def grid(process, kind="", steps=1000, rho=7.0):
    """The time grid of `kind` (uniform, geometric, sigma, log_sigma, mixed; '' = the process's default)."""
    return np.asarray(_core.grid(process, kind, int(steps), float(rho)))


def schedule(process, kind="edm", n=10, score=None, data=None, seed=1, beta_schedule="linear", beta_start=1e-4,
             beta_end=0.02, train_steps=1000, entropic_nodes=32, entropic_samples=256, path_kl_grid=128,
             path_kl_paths=256, speciation_nodes=32, speciation_samples=512, speciation_floor=0.3):
    """A sampling schedule of n levels from T to t_min (docs/schedules.md). Baselines need no model:
    kind edm (rho = 7 in sigma/alpha), uniform_t, uniform_log_sigma. Derived from `score` (a Score) on
    `data` (a Mixture, or an N x d array of points): entropic (from the model's denoising error),
    path_kl (the optimized path-KL bound), speciation (V_h; a Mixture only). Returns a dict of numpy
    arrays in the conventions samplers take: t (the process's times), sigmas (sigma/alpha descending,
    then 0: n + 1 values, for k-diffusion's samplers and diffusers' set_timesteps(sigmas=...)),
    timesteps (the nearest training step of a discrete model with these betas, for schedulers that
    take integer timesteps) and warnings. The same seed gives the same schedule."""
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data, dtype=np.float64)
    d = _core.schedule(process, kind, int(n), score, data, int(seed),
                       _core.DiscreteTraining(beta_schedule, float(beta_start), float(beta_end), int(train_steps)),
                       _core.ModelScheduleOptions(int(entropic_nodes), int(entropic_samples), int(path_kl_grid),
                                                  int(path_kl_paths), int(speciation_nodes), int(speciation_samples),
                                                  float(speciation_floor)))
    return {"name": d["name"], "t": np.asarray(d["t"]), "sigmas": np.asarray(d["sigmas"]),
            "timesteps": np.asarray(d["timesteps"], dtype=np.int64), "warnings": list(d["warnings"])}


def memorization(samples, train, held_out=None, threshold=1.0 / 3):
    """Memorization of `train` (n x d) by `samples` (m x d), docs/memorization.md: per sample d1, d2
    (its two nearest training points), d_held (nearest held-out point) and `nearest` (the index of
    its nearest training point); `memorized`: the fraction with d1/d2 < threshold with its 95% Wilson
    interval (lo, hi) and counts; `baseline`: the same for the held-out points (None without them),
    the rate a model that does not copy reaches. Exact nearest neighbours, equal to brute force."""
    held = np.zeros((0, np.asarray(train).shape[1])) if held_out is None else held_out
    d = _core.memorization(np.ascontiguousarray(samples, dtype=np.float64), np.ascontiguousarray(train, dtype=np.float64),
                           np.ascontiguousarray(held, dtype=np.float64), float(threshold))
    out = {k: np.asarray(d[k]) for k in ("d1", "d2", "d_held", "nearest")}
    out.update(threshold=d["threshold"], memorized=dict(d["memorized"]),
               baseline=None if d["baseline"] is None else dict(d["baseline"]))
    return out


def sample(process, score, n, sampler="sde", steps=200, seed=1):
    """n samples (n x d) of a Score's model at t = 0: from the prior down `steps` uniform steps by the
    reverse SDE (sampler "sde", Heun) or the probability-flow ODE ("ode", RK4), then Tweedie's step
    from t_min (docs/memorization.md). The same seed gives the same samples; sample i depends on i only."""
    return _core.sample(process, score, int(n), sampler, int(steps), int(seed))


def model_collapse(process, score, train, times, held_out=None, samples=256, steps=200, seed=1, threshold=0.05,
                   bootstrap=400):
    """A model's own collapse onto its training set (docs/memorization.md#s7.4), on `samples` reverse
    paths of `score` (a Score) read at `times` (increasing, inside the process's window): `train`:
    the entropy per dimension of the training set's posterior along the paths (`f`, `f_se`) and
    t_C^model (`t_collapse`, `t_collapse_ci95`); `held_out`: the same over held-out rows (the null;
    None without them); `eps_train`, `eps_held`: (1/d)|eps_model - eps_ref|^2 against both sets'
    empirical scores. For the exact empirical score t_C^model is excess_entropy's t_C."""
    train = np.ascontiguousarray(train, dtype=np.float64)
    held = np.zeros((0, train.shape[1])) if held_out is None else np.ascontiguousarray(held_out, dtype=np.float64)
    return _arrays(_core.model_collapse(process, score, train, held, [float(t) for t in times], int(samples), int(steps),
                                        int(seed), float(threshold), int(bootstrap)))


def spectrum(score, points, t, full_max_dim=64, block=4, steps=12, seed=1):
    """The spectrum of the score's Jacobian (its symmetric part) at each row of `points`, time t
    (docs/geometry.md#s8.1): `values` (n x m, ascending, 1/x^2; all d of them up to full_max_dim, else
    block Lanczos' Ritz values, NaN past a closed Krylov space), `residual` (an eigenvalue lies within
    it of each value), `asymmetry` (|J - J^T| / |J + J^T| per point; 0 for an exact score), `full`."""
    return _arrays(_core.spectrum(score, np.ascontiguousarray(points, dtype=np.float64), float(t), int(full_max_dim),
                                  int(block), int(steps), int(seed)))


def intrinsic_dimension(process, score, points, sigma_tilde=None, t=None, probes=0, full_max_dim=64, block=4, steps=12,
                        seed=1):
    """Local intrinsic dimension of clean points (rows of `points`) at noise level sigma_tilde (or
    process time t) (docs/geometry.md#s8.3): `spectral` (the count of Jacobian eigenvalues with
    sigma^2 lambda > -1/2; `unresolved`: Lanczos values too close to that level to count) and
    `noise_derivative` (d + sigma^2 (div s + |s|^2), FLIPD-type; `noise_derivative_se` with Hutchinson
    probes), both at alpha(t) x_0."""
    if (sigma_tilde is None) == (t is None):
        raise InputError("intrinsic_dimension: give one of sigma_tilde or t")
    time = process.time_at_sigma_tilde(float(sigma_tilde)) if t is None else float(t)
    return _arrays(_core.intrinsic_dimension(process, score, np.ascontiguousarray(points, dtype=np.float64), time, int(probes),
                                             int(full_max_dim), int(block), int(steps), int(seed)))


def nearest_neighbors(queries, refs, k=1):
    """Exact k nearest rows of `refs` to each row of `queries`: (indices, distances), nearest first;
    equal to a brute-force search bit for bit (ties to the lower index)."""
    return _core.nearest_neighbors(np.ascontiguousarray(queries, dtype=np.float64),
                                   np.ascontiguousarray(refs, dtype=np.float64), int(k))


def taep(process, target, models, trajectories, seed, steps=1000, grid_kind="", times=None, block=256,
         hutchinson_probes=None):
    """TAEP of each model (Scores) against `target` (a Mixture) on common forward paths (docs/taep.md).

    Returns one dict per model: per-trajectory arrays sigma, kernel, noise, sigma_coarse (the same
    sums on every other node: mean_dt_error = its mean - sigma's) and exact (the reference, for exact-score
    fields), and `summary` (mean, mean_se, mean_dt, var, ift, ...), in nats."""
    if isinstance(models, Score):
        models = [models]
    t = grid(process, grid_kind, steps) if times is None else np.asarray(times, float)
    return _core.taep(process, target, list(models), int(trajectories), int(seed), t.tolist(), int(block),
                      list(hutchinson_probes or []))


def _wrap(fn):
    """A _core observable with its numeric lists returned as numpy arrays."""
    def call(*args, **kwargs):
        return _arrays(fn(*args, **kwargs))
    call.__name__, call.__doc__ = fn.__name__, fn.__doc__
    return call


# Observables (docs/python.md#blocks). Scores are Score objects (exact_score, torchscript_score);
# data are Mixtures, except excess_entropy's training points (an array).
nll = _wrap(_core.nll)
entropy_production = _wrap(_core.entropy_production)
entropy_rates = _wrap(_core.entropy_rates)
conditional_entropy = _wrap(_core.conditional_entropy)
pathwise_entropy = _wrap(_core.pathwise_entropy)
pathwise_entropy_generative = _wrap(_core.pathwise_entropy_generative)
cloning = _wrap(_core.cloning)
excess_entropy = _wrap(_core.excess_entropy)
fixed_points = _wrap(_core.fixed_points)
speciation_time = _core.speciation_time
