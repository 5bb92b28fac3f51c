"""The observables on numpy against closed forms (fixed seeds, tolerances from their SEs)."""
import math
import pathlib

import numpy as np
import pytest

import thermodiff as td


def test_nll_of_a_gaussian_whose_p_T_is_the_prior():
    """Data N(0, I) under VP: every p_t is N(0, I), the prior, so the NLL is -ln N(x; 0, I) exactly."""
    p = td.Process("vp")
    gauss = td.mixture([1.0], np.zeros((1, 2)), std=[1.0])
    x = np.random.default_rng(3).normal(size=(16, 2))
    r = td.nll(p, td.exact_score(gauss, p), x)
    want = 0.5 * (x * x).sum(1) + math.log(2 * math.pi)
    np.testing.assert_allclose(r["nll"], want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(r["nll"], -r["log_prior"] - r["delta"], rtol=1e-12)
    assert not r["incomplete"].any() if hasattr(r["incomplete"], "any") else not any(r["incomplete"])


def test_exchange_rate_is_minus_twice_the_intrinsic_for_the_exact_ve_score():
    p = td.Process("ve")
    data = td.ring(K=3, radius=1.5, std=0.3)
    r = td.entropy_rates(p, td.exact_score(data, p), data, nodes=12, samples=2000, seed=5)
    e, i = r["exchange"], r["intrinsic"]
    diff, se = e["integral"] + 2 * i["integral"], math.hypot(e["integral_se"], 2 * i["integral_se"])
    print(f"int S_e + 2 int S_i = {diff:.4f} +- {se:.4f} nats (seed 5)")
    assert abs(diff) < 4 * se
    assert r["t"].shape == (12,) and isinstance(e["value"], np.ndarray)


def test_marginal_plus_conditional_rate_is_the_total():
    p = td.Process("vp")
    data = td.symmetric_pair(2, m=1.0, var=0.2)
    r = td.conditional_entropy(p, td.exact_score(data, p), data, nodes=10, samples=2000, seed=6)
    cond, marg = r["score_norm"], r["marginal"]
    z = (cond["value"] + marg["value"] - r["total"]) / np.hypot(cond["se"], marg["se"])
    print("(conditional + marginal - total) / SE per node:", np.round(z, 2))
    assert np.all(np.abs(z) < 4.5)


def two_delta_h(a, alpha, sigma):
    """E h_t for deltas at +-a (1-D): H of P(+|x) = sigmoid(2 alpha a x / sigma^2), x ~ p_t (Gauss-Hermite)."""
    z, w = np.polynomial.hermite_e.hermegauss(80)
    kappa = (alpha * a / sigma) ** 2
    q = 1 / (1 + np.exp(-2 * (kappa + math.sqrt(kappa) * z)))  # by symmetry, x from the + component
    h = -(q * np.log(np.clip(q, 1e-300, 1)) + (1 - q) * np.log(np.clip(1 - q, 1e-300, 1)))
    return float((w * h).sum() / w.sum())


def test_pathwise_entropy_of_two_deltas():
    p = td.Process("ou", t_min=0.01, T=3.0)
    data = td.mixture([0.5, 0.5], [[1.0], [-1.0]], std=[0.0, 0.0])
    t = np.array([0.2, 0.5, 1.0, 2.0])
    r = td.pathwise_entropy(data, p, t, samples=4000, seed=7)
    for k, tk in enumerate(t):
        want = two_delta_h(1.0, p.alpha(tk), p.sigma(tk))
        assert abs(r["mean"][k] - want) < 4 * r["mean_se"][k] + 1e-6, (tk, r["mean"][k], want)
    assert np.all(r["var"] >= 0)


def test_speciation_time_of_a_symmetric_pair():
    d, m, var = 5, 0.8, 0.3
    t_s, lam = td.speciation_time(td.symmetric_pair(d, m=m, var=var))
    assert lam == pytest.approx(var + d * m * m, rel=1e-9)
    assert t_s == pytest.approx(0.5 * math.log(var + d * m * m), rel=1e-9)


def test_cloning_of_the_exact_score_follows_its_theory():
    p = td.Process("ou", t_min=0.01, T=4.0)
    data = td.symmetric_pair(2, m=1.0, var=0.1)
    times = td.grid(p, "uniform", 200)
    r = td.cloning(data, p, td.exact_score(data, p), times, branch_times=[0.3, 1.0, 2.0], samples=2000, seed=8)
    z = (r["phi"] - r["theory"]) / np.hypot(r["phi_se"], r["theory_se"])
    print("phi", np.round(r["phi"], 3), "theory", np.round(r["theory"], 3), "dt", r["phi_dt_error"])
    assert np.all(np.abs(z) < 4 + np.abs(r["phi_dt_error"]) / np.maximum(r["phi_se"], 1e-9))


def test_model_collapse_of_the_empirical_score_is_its_excess_entropy_collapse():
    # The exact empirical score (a delta mixture of the points) read along its own reverse paths:
    # t_C^model = excess_entropy's t_C within 4 combined interval SEs (docs/memorization.md#s7.4).
    p = td.Process("vp")
    rng = np.random.default_rng(11)
    points, held = rng.normal(size=(64, 4)), rng.normal(size=(64, 4))
    score = td.exact_score(td.mixture(np.full(64, 1 / 64), points, std=np.zeros(64)), p)
    times = [p_t for p_t in np.linspace(0.01, 0.5, 16)]
    m = td.model_collapse(p, score, points, times, held_out=held, samples=600, steps=400, seed=12)
    e = td.excess_entropy(points, p, times, samples=3000, seed=12)
    se = lambda ci: (ci[1] - ci[0]) / 3.92
    print("t_C^model", m["train"]["t_collapse"], m["train"]["t_collapse_ci95"], "t_C", e["t_collapse"], e["t_collapse_ci95"],
          "t_C^held", m["held_out"]["t_collapse"])
    assert abs(m["train"]["t_collapse"] - e["t_collapse"]) < 4 * math.hypot(se(m["train"]["t_collapse_ci95"]), se(e["t_collapse_ci95"]))
    assert m["held_out"]["t_collapse"] < m["train"]["t_collapse"]
    assert np.all(m["eps_train"] < 1e-20) and m["eps_held"][0] > 0.1


def test_fixed_points_of_two_deltas_merge_at_the_critical_time():
    p = td.Process("ou", t_min=0.01, T=3.0)
    v = 1.2
    data = td.mixture([0.5, 0.5], [[v], [-v]], std=[0.0, 0.0])
    tree = td.fixed_points(data, p, nodes=200)
    leaves = [b for b in tree["branches"] if not len(b["children"])]
    assert len(leaves) == 2 and tree["unconverged"] == 0
    assert leaves[0]["t_end"] == pytest.approx(0.5 * math.log(1 + v * v), rel=1e-6)


def test_excess_entropy_tends_to_ln_P_over_d():
    p = td.Process("ou", t_min=0.01, T=6.0)
    d, P = 4, 64
    points = td.symmetric_pair(d, m=1.0, var=1.0).sample(p, 0.0, P, seed=9, stream="data")
    r = td.excess_entropy(points, p, [0.1, 1.0, 6.0], samples=2000, seed=9, bootstrap=50)
    print("f^e", r["fe"], "+-", r["fe_se"], "ln P / d =", math.log(P) / d)
    assert abs(r["fe"][-1] - math.log(P) / d) < 4 * r["fe_se"][-1] + 0.02
    assert r["fe"][0] < r["fe"][-1]


def test_entropy_production_satisfies_the_ift_in_both_directions():
    """Yu & Huang: <e^-dS_tot> = 1 forward and along the reverse process with the exact score."""
    p = td.Process("ou", t_min=0.01, T=2.0)
    data = td.symmetric_pair(1, m=1.0, var=0.2)
    times = td.grid(p, "uniform", 200)
    for score in (None, td.exact_score(data, p)):
        r = td.entropy_production(data, p, times, score=score, trajectories=4000, seed=12)
        tol = 4 * r["ift_se"] + abs(r["ift_dt_error"])
        print("reverse" if score else "forward", f"<e^-dS_tot> = {r['ift']:.4f} +- {r['ift_se']:.4f}",
              f"<dS_tot> = {r['total']['mean']:.4f}")
        assert abs(r["ift"] - 1) < tol and r["total"]["mean"] > -4 * r["total"]["mean_se"]
        assert r["dS_tot"].shape == (4000,)


def test_model_kinds_and_score_capabilities_come_from_the_registries():
    kinds = [k for k, _ in td.model_kinds()]
    # The registry's order is the selection order; the exact score takes entries naming no kind.
    assert kinds == ["mlp", "torchscript", "mixture", "exact"]
    assert all(summary for _, summary in td.model_kinds())
    p = td.Process("vp")
    s = td.exact_score(td.ring(K=8, radius=2.0, std=0.1), p)
    assert s.capabilities == ["exact_divergence", "hutchinson", "log_density", "jacobian"]
    # docs/models.md's table has a row for every registered kind.
    table = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "models.md").read_text()
    for k in kinds:
        assert f"\n| {k} |" in table, k


def test_spectrum_and_intrinsic_dimension_of_a_subspace_gaussian():
    # Gaussian data N(0, h^2) on k of d coordinates (docs/geometry.md#s8): its Jacobian spectrum is
    # eq. 61 at every point (x units, VP: -1/(alpha^2 h^2 + sigma^2) k times, -1/sigma^2 the rest);
    # at noise sigma~ < h the spectral dimension is k and the noise derivative is
    # k h^2 / v + sigma~^2 |x0|^2 / v^2, v = h^2 + sigma~^2, at every clean point x0.
    p = td.Process("vp")
    d, k, h = 12, 3, 0.8
    var = np.zeros((1, d))
    var[0, :k] = h * h
    score = td.exact_score(td.mixture([1.0], np.zeros((1, d)), var=var), p)
    rng = np.random.default_rng(3)
    t = 0.2
    a2, s2 = p.alpha(t) ** 2, p.sigma2(t)
    sp = td.spectrum(score, rng.normal(size=(5, d)), t)
    want = np.sort(np.r_[np.full(d - k, -1 / s2), np.full(k, -1 / (a2 * h * h + s2))])
    assert sp["full"] and np.allclose(sp["values"], want, rtol=1e-9) and np.all(sp["asymmetry"] == 0)
    x0 = np.zeros((6, d))
    x0[:, :k] = h * rng.normal(size=(6, k))
    r = td.intrinsic_dimension(p, score, x0, sigma_tilde=0.1)
    v = h * h + 0.01
    assert np.all(r["spectral"] == k) and np.all(r["unresolved"] == 0)
    assert np.allclose(r["noise_derivative"], k * h * h / v + 0.01 * np.sum(x0 ** 2, 1) / v ** 2, rtol=1e-6)
    with pytest.raises(td.InputError):
        td.intrinsic_dimension(p, score, x0)
