"""The building blocks on numpy against closed forms, and against the command line's experiment
with the same seed (the same keyed randomness gives the same numbers)."""
import json
import math
import os

import numpy as np
import pytest

import thermodiff as td


def test_vp_process_closed_form():
    p = td.Process("vp", beta_min=0.1, beta_max=20.0)
    t = np.array([0.001, 0.1, 0.5, 1.0])
    alpha = np.exp(-0.5 * 0.1 * t - 0.25 * 19.9 * t * t)
    np.testing.assert_allclose(p.alpha(t), alpha, rtol=1e-14)
    np.testing.assert_allclose(p.sigma2(t), 1 - alpha ** 2, rtol=1e-12)
    np.testing.assert_allclose(p.g2(t), 0.1 + 19.9 * t, rtol=1e-14)
    assert p.params["kind"] == "vp" and p.t_min == 0.001 and p.T == 1.0
    with pytest.raises(td.InputError, match="key 'T'"):
        td.Process("vp", t_min=0.5, T=0.1)


def test_gaussian_score_divergence_and_log_density():
    c2, d = 0.3, 4
    p = td.Process("ve")
    gauss = td.mixture([1.0], np.zeros((1, d)), std=[math.sqrt(c2)])
    x = np.random.default_rng(1).normal(size=(7, d))
    for t in (0.05, 0.5, 1.0):
        v = p.alpha(t) ** 2 * c2 + p.sigma2(t)
        np.testing.assert_allclose(gauss.score(p, x, t), -x / v, rtol=1e-12)
        np.testing.assert_allclose(gauss.divergence(p, x, t), np.full(7, -d / v), rtol=1e-12)
        np.testing.assert_allclose(gauss.log_density(p, x, t),
                                   -0.5 * (x * x).sum(1) / v - 0.5 * d * math.log(2 * math.pi * v), rtol=1e-12)
    with pytest.raises(td.InputError, match="x has 3 columns"):
        gauss.score(p, np.zeros((2, 3)), 0.5)


def test_samples_have_the_marginal_variance():
    c2, d, n = 0.3, 3, 20000
    p = td.Process("vp")
    gauss = td.mixture([1.0], np.zeros((1, d)), std=[math.sqrt(c2)])
    t = 0.3
    x = gauss.sample(p, t, n, seed=11)
    v = p.alpha(t) ** 2 * c2 + p.sigma2(t)
    var, se = x.var(), v * math.sqrt(2 / (n * d))
    print(f"sample variance {var:.5f} against {v:.5f} (SE {se:.5f}, seed 11)")
    assert abs(var - v) < 5 * se
    np.testing.assert_array_equal(gauss.sample(p, t, 5, seed=11, first=3), x[3:8])  # keyed by id


def test_grids():
    p = td.Process("vp")
    g = td.grid(p, "uniform", 10)
    np.testing.assert_allclose(g, np.linspace(0.001, 1.0, 11), rtol=1e-14)
    assert np.all(np.diff(td.grid(p, "log_sigma", 50)) > 0)
    with pytest.raises(td.InputError):
        td.grid(p, "cubic", 10)


def test_taep_of_the_exact_score_is_zero_and_of_a_model_is_the_experiments(tmp_path, cli):
    p = td.Process("vp", t_min=0.001, T=1.0)
    target, model = td.ring(K=4, radius=2.0, std=0.2), td.ring(K=4, radius=2.0, std=0.25)
    times = td.grid(p, "uniform", 50)
    exact, other = td.exact_score(target, p), td.exact_score(model, p)
    res = td.taep(p, target, [exact, other], trajectories=512, seed=9, times=times)
    assert res[0]["summary"]["mean"] == 0 and np.all(res[0]["sigma"] == 0)
    s = res[1]["summary"]
    print(f"TAEP of the wider ring: {s['mean']:.5f} +- {s['mean_se']:.5f} (dt error {s['mean_dt_error']:.2e}) nats")
    # The exact reference ln(p/q) at the path's ends has the same mean (docs/taep.md).
    assert abs(s["mean"] - res[1]["exact"].mean()) < 5 * math.hypot(s["mean_se"], res[1]["exact"].std() / math.sqrt(512)) \
        + abs(s["mean_dt_error"])
    config = tmp_path / "taep.toml"
    config.write_text("""experiment = "taep"
seed = 9
[process]
kind = "vp"
t_min = 0.001
T = 1.0
[grid]
kind = "uniform"
steps = 50
refine = false
[sim]
trajectories = 512
objective_samples = 8
exact_samples = 64
generated_samples = 8
[target]
ring = { K = 4, radius = 2.0, std = 0.2 }
[[models]]
name = "wider"
ring = { K = 4, radius = 2.0, std = 0.25 }
""")
    code, _, err = cli("run", config, "--out", tmp_path / "run", "--quiet", "--threads", 1)
    assert code == 0, err
    with open(tmp_path / "run" / "results.json") as f:
        ran = json.load(f)["models"][0]["taep"]
    for k in ("mean", "mean_se", "var", "mean_dt_error", "ift"):
        assert ran[k] == pytest.approx(s[k], rel=1e-12, abs=1e-15), k


def test_torchscript_score_reads_the_contract(fixtures):
    p = td.Process("vp")
    score = td.torchscript_score(os.path.join(fixtures, "tiny_eps_mlp.pt"), "eps", p, 2)
    with open(os.path.join(fixtures, "tiny_eps_mlp_reference.json")) as f:
        ref = json.load(f)
    for case in ref["cases"]:
        x, t = np.array(case["x"]), case["t"]
        eps = np.array(case["out"])
        np.testing.assert_allclose(score.score(x, t), -eps / p.sigma(t), rtol=1e-5, atol=1e-6)
    with pytest.raises(td.InputError, match="t has 2 entries"):
        score.score(np.zeros((3, 2)), np.array([0.1, 0.2]))
    with pytest.raises(td.InputError, match="prediction"):
        td.torchscript_score(os.path.join(fixtures, "tiny_eps_mlp.pt"), "noise", p, 2)


def test_entropy_rates_are_the_likelihood_experiments(tmp_path):
    """The same seed, nodes, samples and probes give the likelihood experiment's rate integrals."""
    process = {"kind": "vp", "t_min": 0.001, "T": 1.0}
    mix = {"weights": [0.5, 0.5], "means": [[1.0, 0.0], [-1.0, 0.5]], "var": [[0.2, 0.1], [0.1, 0.3]]}
    config = {"experiment": "likelihood", "seed": 13, "process": process, "data": {"mixture": mix},
              "models": [{"name": "exact"}], "likelihood": {"samples": 8, "exact_references": False},
              "entropy_rates": {"nodes": 10, "samples": 200, "hutchinson_probes": 1}}
    ran = td.run(config, out=tmp_path / "l", quiet=True)["models"][0]["rates"]
    p = td.Process(**process)
    data = td.mixture(mix["weights"], mix["means"], var=mix["var"])
    mine = td.entropy_rates(p, td.exact_score(data, p), data, nodes=10, samples=200, hutchinson_probes=1, seed=13)
    for k in ("intrinsic", "exchange", "forward"):
        assert mine[k]["integral"] == pytest.approx(ran[k]["integral"], rel=1e-12), k
    np.testing.assert_allclose(mine["t"], ran["t"], rtol=1e-14)


def test_schedule_exports_in_sampler_conventions():
    """A VP process's EDM schedule: n process times from T to t_min, n + 1 sigmas (sigma/alpha,
    descending, a final 0) equal to the process's own sigma~ at those times, and integer DDPM
    timesteps descending; Stable Diffusion's scaled_linear betas are accepted; bad input is an
    InputError naming it."""
    p = td.Process("vp")
    s = td.schedule(p, "edm", n=8)
    assert s["t"].shape == (8,) and s["sigmas"].shape == (9,) and s["timesteps"].shape == (8,)
    assert s["t"][0] == p.T and s["t"][-1] == p.t_min
    assert s["sigmas"][-1] == 0.0 and np.all(np.diff(s["sigmas"]) < 0)
    np.testing.assert_allclose(s["sigmas"][:-1], p.sigma_tilde(s["t"]), rtol=1e-12)
    assert s["timesteps"].dtype == np.int64 and np.all(np.diff(s["timesteps"]) < 0)
    sd = td.schedule(p, "uniform_t", n=4, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
    assert sd["name"] == "uniform_t" and sd["warnings"] == []
    with pytest.raises(td.InputError, match="uniform_log_sigma, discrete, entropic, path_kl or speciation"):
        td.schedule(p, "cosine")
    with pytest.raises(td.InputError, match="scaled_linear"):
        td.schedule(p, "edm", beta_schedule="cosine")


def test_schedule_of_a_model_on_its_data():
    """The derived schedules of an exact score: entropic and path_kl on a Mixture or on an array of
    its points, speciation on the Mixture; all in the exported conventions, from T to t_min, the same
    for the same seed; the optimized path-KL schedule differs from EDM's start. A derived kind
    without a model, or speciation without a law, is an InputError naming what it needs."""
    p = td.Process("vp", t_min=1e-3)
    mix = td.ring(4, 2.0, 0.2)
    score = td.exact_score(mix, p)
    edm = td.schedule(p, "edm", n=8)
    small = dict(entropic_nodes=12, entropic_samples=64, path_kl_grid=24, path_kl_paths=32, speciation_nodes=8,
                 speciation_samples=64)
    for kind in ("entropic", "path_kl", "speciation"):
        s = td.schedule(p, kind, n=8, score=score, data=mix, seed=4, **small)
        assert s["sigmas"].shape == (9,) and s["sigmas"][-1] == 0.0 and np.all(np.diff(s["sigmas"]) < 0), kind
        assert s["t"][0] == pytest.approx(p.T, rel=1e-12) and s["t"][-1] == pytest.approx(p.t_min, rel=1e-12), kind
        again = td.schedule(p, kind, n=8, score=score, data=mix, seed=4, **small)
        np.testing.assert_array_equal(s["sigmas"], again["sigmas"])
    assert not np.allclose(td.schedule(p, "path_kl", n=8, score=score, data=mix, **small)["sigmas"], edm["sigmas"])
    points = np.random.default_rng(0).normal(size=(300, 2))
    s = td.schedule(p, "entropic", n=6, score=td.exact_score(td.mixture([1.0], [[0.0, 0.0]], std=[1.0]), p), data=points, **small)
    assert s["t"].shape == (6,)
    own = td.schedule(p, "discrete", n=5)  # DDPM's 1000 linear steps, linspace-spaced: 749, 500, 250 inside
    assert list(own["timesteps"][1:4]) == [749, 500, 250]
    with pytest.raises(td.InputError, match="not the process the model was trained with"):
        td.schedule(p, "discrete", n=5, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
    with pytest.raises(td.InputError, match="needs the model's score and its data"):
        td.schedule(p, "entropic", n=6)
    with pytest.raises(td.InputError, match="Gaussian mixture"):
        td.schedule(p, "speciation", n=6, score=score, data=np.zeros((10, 2)), **small)


def test_memorization_and_nearest_neighbors():
    """Nearest neighbours equal numpy's brute force; copies of the training points are memorized
    (fraction 1), fresh draws of their law at the held-out baseline; bad input is an InputError."""
    rng = np.random.default_rng(5)
    train, fresh, held = rng.normal(size=(500, 6)), rng.normal(size=(300, 6)), rng.normal(size=(300, 6))
    idx, dist = td.nearest_neighbors(fresh, train, k=2)
    d2 = ((fresh[:, None, :] - train[None, :, :]) ** 2).sum(-1)
    want = np.argsort(d2, axis=1, kind="stable")[:, :2]
    np.testing.assert_array_equal(idx, want)
    np.testing.assert_allclose(dist, np.sqrt(np.take_along_axis(d2, want, 1)), rtol=1e-12)
    copies = td.memorization(train[:200] + 1e-6, train, held)
    assert copies["memorized"]["fraction"] == 1.0 and copies["memorized"]["lo"] > 0.98
    assert np.array_equal(copies["nearest"], np.arange(200))
    m = td.memorization(fresh, train, held)
    b = m["baseline"]
    assert m["memorized"]["lo"] <= b["hi"] and b["lo"] <= m["memorized"]["hi"]
    assert m["d_held"].shape == (300,) and td.memorization(fresh, train)["baseline"] is None
    with pytest.raises(td.InputError, match="threshold"):
        td.memorization(fresh, train, threshold=2.0)
    with pytest.raises(td.InputError, match="columns"):
        td.nearest_neighbors(fresh[:, :3], train)


def test_samples_of_the_empirical_score_copy_the_training_points():
    """td.sample of the exact score of 8 training points (deltas) by the SDE and the ODE: every sample
    is memorized (fraction 1); the same seed gives the same samples, another seed others."""
    p = td.Process("vp", t_min=1e-3)
    train = np.random.default_rng(2).normal(size=(8, 2)) * 2
    score = td.exact_score(td.mixture(np.full(8, 1 / 8), train, std=np.zeros(8)), p)
    for sampler in ("sde", "ode"):
        x = td.sample(p, score, 200, sampler=sampler, steps=200, seed=3)
        assert x.shape == (200, 2)
        assert td.memorization(x, train)["memorized"]["fraction"] == 1.0, sampler
        np.testing.assert_array_equal(x, td.sample(p, score, 200, sampler=sampler, steps=200, seed=3))
    assert not np.array_equal(td.sample(p, score, 50, seed=3), td.sample(p, score, 50, seed=4))
    with pytest.raises(td.InputError, match="sde or ode"):
        td.sample(p, score, 5, sampler="ddim")
