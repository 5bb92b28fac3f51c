"""thermodiff.export: each convention's exact denoiser of Gaussian data N(0, c^2 I), exported and
read by the engine through the model contract, gives the exact score -x / (alpha^2 c^2 + sigma^2)
(the engine's own mixture score of that Gaussian), to float32 rounding; every wrapper passes the
convention check on samples of that data (no false alarm), and a model exported with the wrong
kind is refused with the right cause and nothing written (docs/models.md#check)."""
import math

import numpy as np
import pytest
import torch

import thermodiff as td
from thermodiff.export_models import ProcessCoefficients, ddpm_alphas_cumprod, engine_process

C2 = 0.49  # data variance c^2
D = 3


def coefficients(process):
    e = engine_process(process)
    return ProcessCoefficients(**{k: v for k, v in e.params.items() if k not in ("t_min", "T")})


class ExactEps(torch.nn.Module):
    """eps(x, t') with t' = time_scale t on `process` (also the score with as_score)."""

    def __init__(self, process, time_scale=1.0, as_score=False, image=False):
        super().__init__()
        self.coeffs, self.time_scale, self.as_score, self.image = coefficients(process), time_scale, as_score, image

    def forward(self, x, t):
        if self.image:
            assert x.dim() == 4
        a, s = self.coeffs(t / self.time_scale)
        shape = [-1] + [1] * (x.dim() - 1)
        a, s = a.reshape(shape), s.reshape(shape)
        denom = a * a * C2 + s * s
        return ((-x.double() / denom) if self.as_score else (s * x.double() / denom)).float()


class ExactDdpmEps(torch.nn.Module):
    def __init__(self, abar):
        super().__init__()
        self.register_buffer("abar", abar)

    def forward(self, x, k):
        ab = self.abar[k.long()].unsqueeze(1)
        return (torch.sqrt(1 - ab) * x.double() / (ab * C2 + 1 - ab)).float()


class ExactDenoiser(torch.nn.Module):
    """EDM's D(x~; s) = c^2 x~ / (c^2 + s^2); with raw=True its network F(c_in x~, c_noise)."""

    def __init__(self, raw=False, sigma_data=0.5):
        super().__init__()
        self.raw, self.sd = raw, sigma_data

    def forward(self, y, noise):
        if not self.raw:
            s = noise.double().unsqueeze(1)
            return (C2 * y.double() / (C2 + s * s)).float()
        s = torch.exp(4 * noise.double()).unsqueeze(1)
        sd2 = self.sd ** 2
        x = y.double() * torch.sqrt(s * s + sd2)
        d = C2 * x / (C2 + s * s)
        c_skip, c_out = sd2 / (s * s + sd2), s * self.sd / torch.sqrt(s * s + sd2)
        return ((d - c_skip * x) / c_out).float()


class ExactV(torch.nn.Module):
    def __init__(self, process):
        super().__init__()
        self.coeffs = coefficients(process)

    def forward(self, x, t):
        a, s = self.coeffs(t)
        a, s = a.unsqueeze(1), s.unsqueeze(1)
        denom = a * a * C2 + s * s
        eps, x0 = s * x.double() / denom, a * C2 * x.double() / denom
        return (a * eps - s * x0).float()


def gaussian_samples(dim, n=512):
    return np.random.default_rng(3).normal(size=(n, dim)) * math.sqrt(C2)


def engine_scores(tmp_path, model, kind, process, times, dim=D, **options):
    entry = td.export(model, kind, tmp_path / f"{kind}.pt", process=process, dim=dim, data=gaussian_samples(dim), **options)
    engine = engine_process(process)
    score = td.torchscript_score(entry["torchscript"]["file"], entry["torchscript"]["prediction"], engine, dim)
    gauss = td.mixture([1.0], np.zeros((1, dim)), std=[math.sqrt(C2)])
    x = np.random.default_rng(5).normal(size=(len(times), dim)) * 1.3
    got = score.score(x, np.asarray(times))
    want = np.stack([td.exact_score(gauss, engine).score(x[i:i + 1], float(t))[0] for i, t in enumerate(times)])
    # float32 rounding of x and of the prediction (a few units of 2^-24), amplified where the engine
    # forms a score from an x0 prediction, (alpha x0 - x)/sigma^2: by 1 + alpha^2 c^2 / sigma^2.
    a, s = engine.alpha(np.asarray(times)), engine.sigma(np.asarray(times))
    amplified = entry["torchscript"]["prediction"] == "x0"
    rel = 8 * 2.0 ** -24 * (1 + (a * a * C2 / (s * s) if amplified else np.zeros_like(a)))
    err = np.abs(got - want).max(axis=1) / np.abs(want).max(axis=1)
    print(f"{kind}: max relative error {err.max():.2e} (float32 bound {rel.max():.2e})")
    assert np.all(err <= rel), (err, rel)
    return entry


TIMES_VP = np.linspace(0.01, 1.0, 12)


def test_process_coefficients_are_the_engines():
    for p in ({"kind": "vp"}, {"kind": "ou"}, {"kind": "ve"}, {"kind": "ve_song"}, {"kind": "edm"},
              {"kind": "vp", "beta_min": 0.5, "beta_max": 10.0}):
        e = engine_process(p)
        t = np.linspace(e.t_min, e.T, 9)
        a, s = coefficients(p)(torch.as_tensor(t))
        np.testing.assert_allclose(a.numpy(), e.alpha(t), rtol=1e-12)
        np.testing.assert_allclose(s.numpy(), e.sigma(t), rtol=1e-12)


def test_eps_prediction(tmp_path):
    entry = engine_scores(tmp_path, ExactEps("vp"), "eps", "vp", TIMES_VP)
    assert entry["torchscript"]["prediction"] == "eps" and entry["name"] == "eps"


def test_score_sde_score_with_a_time_scale(tmp_path):
    engine_scores(tmp_path, ExactEps("vp", time_scale=999.0, as_score=True), "score", "vp", TIMES_VP, time_scale=999.0)


def test_v_prediction(tmp_path):
    engine_scores(tmp_path, ExactV("vp"), "v", "vp", TIMES_VP)
    with pytest.raises(ValueError, match="alpha\\^2 \\+ sigma\\^2 = 1"):
        td.export(ExactV("vp"), "v", tmp_path / "ve.pt", process="ve", dim=D)


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("process", ["edm", "vp"])
def test_edm_denoiser(tmp_path, raw, process):
    e = engine_process(process)
    times = np.geomspace(max(e.t_min, 0.01), e.T, 12)
    engine_scores(tmp_path, ExactDenoiser(raw=raw), "edm", process, times, preconditioned=not raw)


def step_times(engine, abar, steps):
    """Engine times whose sigma~^2 equals (1 - abar_k)/abar_k for each step k (bisection)."""
    out = []
    for k in steps:
        target = 0.5 * math.log((1 - abar[k]) / abar[k])
        lo, hi = engine.t_min, engine.T
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if math.log(engine.sigma_tilde(np.array([mid]))[0]) < target else (lo, mid)
        out.append(0.5 * (lo + hi))
    return np.array(out)


@pytest.mark.parametrize("continuous", [False, True])
def test_ddpm_integer_steps(tmp_path, continuous):
    abar = ddpm_alphas_cumprod()
    times = step_times(engine_process("vp"), abar.numpy(), [5, 40, 200, 500, 900])
    engine_scores(tmp_path, ExactDdpmEps(abar), "ddpm", "vp", times, continuous=continuous)


def test_image_shaped_model(tmp_path):
    entry = engine_scores(tmp_path, ExactEps("vp", image=True), "eps", "vp", TIMES_VP, dim=4, image_shape=(1, 2, 2))
    with pytest.raises(ValueError, match="image_shape"):
        td.export(ExactEps("vp", image=True), "eps", tmp_path / "bad.pt", process="vp", dim=5, image_shape=(1, 2, 2))
    assert entry["torchscript"]["file"].endswith("eps.pt")


def test_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="kind 'epsilon'"):
        td.export(ExactEps("vp"), "epsilon", tmp_path / "x.pt", process="vp", dim=D)


# (model, kind it is wrongly exported as, options, the cause named with data, without data): without
# data (x0 = 0) an x0 reading is exact by itself, so only time conventions can be told apart there.
WRONG = [
    (ExactDdpmEps(ddpm_alphas_cumprod()), "eps", {}, "DDPM step indices 0...999", "DDPM step indices 0...999"),
    (ExactV("vp"), "eps", {}, "v-prediction", None),
    (ExactDenoiser(raw=False), "eps", {}, "noise level sigma~", None),
]


@pytest.mark.parametrize("model, kind, options, cause_data, cause_no_data", WRONG)
@pytest.mark.parametrize("with_data", [True, False])
def test_a_wrong_kind_is_refused_and_nothing_written(tmp_path, model, kind, options, cause_data, cause_no_data, with_data):
    path = tmp_path / "wrong.pt"
    data = gaussian_samples(D) if with_data else None
    with pytest.raises(td.InputError, match="is refused before any work") as e:
        td.export(model, kind, path, process="vp", dim=D, data=data, **options)
    cause = cause_data if with_data else cause_no_data
    assert cause is None or cause in str(e.value), str(e.value)
    assert "check=False in thermodiff.export" in str(e.value)
    assert list(tmp_path.iterdir()) == []
    td.export(model, kind, path, process="vp", dim=D, check=False, **options)  # skipped on request
    assert path.exists()
