"""thermodiff.export: a PyTorch model in one of the usual conventions, wrapped into the engine's
model contract (docs/models.md#contract: forward(x[n, d] float32, t[n] float32) -> [n, d] in the
engine's process and time) and saved as TorchScript.

The wrapper converts between the engine's process (x_t = alpha(t) x_0 + sigma(t) z) and the
model's own convention through the noise level sigma~ = sigma/alpha, on which every convention
agrees: x_t / alpha = x_0 + sigma~ z.

kind        the model                                          the wrapper returns
eps         eps(x, t) on the engine's own process and t         eps
ddpm        eps(x_k, k), integer steps k with a beta schedule   eps  (k whose sigma~ matches)
edm         D(x~; sigma~) (EDM / k-diffusion denoiser), or the raw network F with
            preconditioned=False: D = c_skip x~ + c_out F(c_in x~, c_noise)     x0
v           v(x, t) = alpha eps - sigma x_0 on a VP-type process  x0
score       score(x, t) (score_sde) on the engine's process     score
Any kind takes image_shape=(C, H, W): x[n, d] is reshaped to [n, C, H, W] for the model.
"""
import json
import math
import os

import torch


class ProcessCoefficients(torch.nn.Module):
    """alpha(t) and sigma(t) of the engine's process in torch (the formulas of docs/processes.md;
    tests compare them with the engine's)."""

    def __init__(self, kind: str, beta_min: float, beta_max: float, sigma_min: float, sigma_max: float, sigma: float):
        super().__init__()
        if kind not in ("vp", "ou", "ve", "ve_song", "edm"):
            raise ValueError(f"process kind '{kind}': expected vp, ou, ve, ve_song or edm")
        self.kind, self.beta_min, self.beta_max = kind, float(beta_min), float(beta_max)
        self.sigma_min, self.sigma_max, self.sigma_base = float(sigma_min), float(sigma_max), float(sigma)

    def forward(self, t: torch.Tensor):
        t = t.double()
        if self.kind == "vp":
            log_alpha = -0.5 * self.beta_min * t - 0.25 * (self.beta_max - self.beta_min) * t * t
        elif self.kind == "ou":
            log_alpha = -t
        else:
            log_alpha = torch.zeros_like(t)
        alpha = torch.exp(log_alpha)
        if self.kind in ("vp", "ou"):
            sigma = torch.sqrt(-torch.expm1(2.0 * log_alpha))
        elif self.kind == "ve":
            sigma = self.sigma_min * torch.sqrt(torch.expm1(2.0 * t * math.log(self.sigma_max / self.sigma_min)))
        elif self.kind == "ve_song":
            sigma = torch.sqrt(torch.expm1(2.0 * t * math.log(self.sigma_base)) / (2.0 * math.log(self.sigma_base)))
        else:
            sigma = t.clone()
        return alpha, sigma


def _to_model(x: torch.Tensor, shape: list):
    return x if len(shape) == 0 else x.reshape([x.shape[0]] + shape)


def _from_model(y: torch.Tensor, n: int) -> torch.Tensor:
    return y.reshape(n, -1).float()


class EpsWrapper(torch.nn.Module):
    def __init__(self, model, process, time_scale: float, image_shape: list):
        super().__init__()
        self.model, self.process, self.time_scale, self.shape = model, process, float(time_scale), image_shape

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return _from_model(self.model(_to_model(x, self.shape), t * self.time_scale), x.shape[0])


class ScoreWrapper(EpsWrapper):
    pass  # the same pass-through; the prediction it is saved with says "score"


class DdpmWrapper(torch.nn.Module):
    """eps(x_k, k) on integer steps: k is the step whose sigma~_k = sqrt((1 - abar_k)/abar_k) is
    nearest in log to the engine's sigma~(t) (clamped to the schedule), x_k = sqrt(abar_k) x / alpha.
    With continuous=True, k is interpolated linearly in log sigma~ between steps (a float step)."""

    def __init__(self, model, process, alphas_cumprod: torch.Tensor, continuous: bool, image_shape: list):
        super().__init__()
        self.model, self.process, self.continuous, self.shape = model, process, bool(continuous), image_shape
        abar = alphas_cumprod.double()
        self.register_buffer("abar", abar)
        self.register_buffer("log_s2", torch.log1p(-abar) - torch.log(abar))  # ln sigma~_k^2, increasing

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        alpha, sigma = self.process(t)
        ls2 = 2.0 * (torch.log(sigma) - torch.log(alpha))
        n_steps = self.log_s2.shape[0]
        hi = torch.clamp(torch.searchsorted(self.log_s2, ls2), 1, n_steps - 1)
        lo = hi - 1
        frac = torch.clamp((ls2 - self.log_s2[lo]) / (self.log_s2[hi] - self.log_s2[lo]), 0.0, 1.0)
        if self.continuous:
            k = lo.double() + frac
            log_abar = -torch.log1p(torch.exp(self.log_s2[lo] + frac * (self.log_s2[hi] - self.log_s2[lo])))
            steps = k.float()
        else:
            k_int = torch.where(frac < 0.5, lo, hi)
            log_abar = torch.log(self.abar[k_int])
            steps = k_int
        scale = (torch.exp(0.5 * log_abar) / alpha).float().unsqueeze(1)
        eps = self.model(_to_model(x * scale, self.shape), steps)
        return _from_model(eps, x.shape[0])


class EdmWrapper(torch.nn.Module):
    """D(x~; sigma~) with x~ = x / alpha (the engine's x scaled to the EDM convention); with
    preconditioned=False the model is EDM's raw network F and D = c_skip x~ + c_out F(c_in x~, c_noise)
    (Karras et al. 2022: c_skip = sd^2/(s^2 + sd^2), c_out = s sd/sqrt(s^2 + sd^2),
    c_in = 1/sqrt(s^2 + sd^2), c_noise = ln(s)/4, sd = sigma_data)."""

    def __init__(self, model, process, sigma_data: float, preconditioned: bool, image_shape: list):
        super().__init__()
        self.model, self.process, self.shape = model, process, image_shape
        self.sigma_data, self.preconditioned = float(sigma_data), bool(preconditioned)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        alpha, sigma = self.process(t)
        s = sigma / alpha
        xt = x.double() / alpha.unsqueeze(1)
        if self.preconditioned:
            d = self.model(_to_model(xt.float(), self.shape), s.float())
            return _from_model(d, x.shape[0])
        sd2 = self.sigma_data * self.sigma_data
        c_skip = (sd2 / (s * s + sd2)).unsqueeze(1)
        c_out = (s * self.sigma_data / torch.sqrt(s * s + sd2)).unsqueeze(1)
        c_in = (1.0 / torch.sqrt(s * s + sd2)).unsqueeze(1)
        f = _from_model(self.model(_to_model((c_in * xt).float(), self.shape), (0.25 * torch.log(s)).float()), x.shape[0])
        return (c_skip * xt + c_out * f.double()).float()


class VWrapper(torch.nn.Module):
    """v = alpha eps - sigma x_0 (Salimans & Ho) on the engine's VP-type process (alpha^2 + sigma^2 = 1):
    x_0 = alpha x - sigma v."""

    def __init__(self, model, process, time_scale: float, image_shape: list):
        super().__init__()
        self.model, self.process, self.time_scale, self.shape = model, process, float(time_scale), image_shape

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        alpha, sigma = self.process(t)
        v = _from_model(self.model(_to_model(x, self.shape), t * self.time_scale), x.shape[0]).double()
        return (alpha.unsqueeze(1) * x.double() - sigma.unsqueeze(1) * v).float()


def ddpm_alphas_cumprod(betas=None, steps=1000, beta_start=1e-4, beta_end=0.02):
    """The cumulative products abar_k of a DDPM beta schedule (default: Ho et al.'s linear 1e-4..0.02, 1000 steps)."""
    b = torch.linspace(beta_start, beta_end, steps, dtype=torch.float64) if betas is None else torch.as_tensor(betas, dtype=torch.float64)
    return torch.cumprod(1.0 - b, dim=0)


_PREDICTION = {"eps": "eps", "ddpm": "eps", "edm": "x0", "v": "x0", "score": "score"}


def engine_process(process):
    """The engine's Process for a kind's name, a dict of [process] keys, or a Process."""
    from .blocks import Process, _Process
    if isinstance(process, _Process):
        return process
    return Process(process) if isinstance(process, str) else Process(**dict(process))


def _coefficients(engine):
    """The torch coefficients of the engine's process, checked against the engine's own alpha and sigma."""
    p = {k: v for k, v in engine.params.items() if k not in ("t_min", "T")}
    coeffs = ProcessCoefficients(**p)
    t = torch.linspace(engine.t_min, engine.T, 17, dtype=torch.float64)
    alpha, sigma = coeffs(t)
    for name, ours, theirs in (("alpha", alpha, engine.alpha(t.numpy())), ("sigma", sigma, engine.sigma(t.numpy()))):
        err = float((ours - torch.as_tensor(theirs)).abs().max() / torch.as_tensor(theirs).abs().max())
        if not err < 1e-9:
            raise RuntimeError(f"export: the wrapper's {name}(t) differs from the engine's by {err:.3g} (relative)")
    return coeffs


def wrap(model, kind, process="vp", image_shape=None, time_scale=1.0, betas=None, alphas_cumprod=None,
         continuous=False, sigma_data=0.5, preconditioned=True):
    """The wrapper module (not yet saved) and its prediction type. See export."""
    if kind not in _PREDICTION:
        raise ValueError(f"kind '{kind}': expected one of {', '.join(_PREDICTION)}")
    coeffs = _coefficients(engine_process(process))
    shape = [int(s) for s in image_shape] if image_shape is not None else []
    model = model.eval()
    if kind in ("eps", "score"):
        w = (EpsWrapper if kind == "eps" else ScoreWrapper)(model, coeffs, time_scale, shape)
    elif kind == "ddpm":
        abar = torch.as_tensor(alphas_cumprod, dtype=torch.float64) if alphas_cumprod is not None else ddpm_alphas_cumprod(betas)
        w = DdpmWrapper(model, coeffs, abar, continuous, shape)
    elif kind == "edm":
        w = EdmWrapper(model, coeffs, sigma_data, preconditioned, shape)
    else:
        if coeffs.kind not in ("vp", "ou"):
            raise ValueError(f"kind 'v': v-prediction needs a process with alpha^2 + sigma^2 = 1 (vp or ou), not {coeffs.kind}")
        w = VWrapper(model, coeffs, time_scale, shape)
    return w.eval(), _PREDICTION[kind]


def _check_before_saving(saved, prediction, engine, dim, data, seed, path):
    """The convention check of the wrapped model, saved to a temporary file beside `path` first."""
    import numpy as np
    import tempfile
    import warnings
    from . import _core
    rows = None if data is None else np.asarray(data, dtype=np.float64).reshape(len(data), -1)
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile(suffix=".pt", dir=folder, delete=False) as f:
        tmp = f.name
    try:
        saved.save(tmp)
        try:
            report = json.loads(_core.check_convention(tmp, prediction, engine, dim, rows, seed,
                                                       f"the exported model '{path}'"))
        except _core.InputError as e:
            if rows is None and "noise end" in str(e):  # no data, and no noise end to tell conventions by
                warnings.warn(f"export: the convention check was not run ({e}); pass data= to run it")
                return
            raise
    finally:
        os.remove(tmp)
    if report["refused"]:
        raise _core.InputError(report["message"])
    if "warning" in report:
        warnings.warn(f"export: {report['warning']}")


def export(model, kind, path, process="vp", dim=None, image_shape=None, name=None, method="trace", batch=4,
           data=None, check=True, seed=1, **options):
    """Wraps `model` (convention `kind`: eps, ddpm, edm, v or score) into the engine's contract for
    `process` (the config's [process] keys as a dict, or a kind's name) and saves it as TorchScript
    at `path`. Returns the [[models]] entry for a config: {"name", "torchscript": {"file", "prediction"}}.

    dim: the engine's dimension d (default: C*H*W of image_shape). method: "trace" (any model; data-
    dependent branches are frozen at the example batch) or "script" (the model must be scriptable).
    Options: time_scale (eps, score, v: the model's t = time_scale * t, e.g. 999 for step-scaled
    models), betas / alphas_cumprod / continuous (ddpm), sigma_data / preconditioned (edm).

    check (default True): before the file is written, the wrapped model's convention is checked
    (docs/models.md#check) on random rows of `data` (samples of the data it was trained on, [n, d] or
    image-shaped; the scaling the engine will see), or without data on the noise end only
    (sigma~ >= 20, where the data's scale is negligible). A model no better than trivial, or one
    that ignores t, raises thermodiff.InputError with the table and the likely cause (the wrong
    `kind` or option), and nothing is written. `seed` keys the check's draws."""
    shape = list(image_shape) if image_shape is not None else None
    if dim is None:
        if shape is None:
            raise ValueError("export: give dim (the data's dimension d) or image_shape (C, H, W)")
        dim = int(math.prod(shape))
    if shape is not None and math.prod(shape) != dim:
        raise ValueError(f"export: image_shape {tuple(shape)} has {math.prod(shape)} entries, not dim = {dim}")
    wrapper, prediction = wrap(model, kind, process, image_shape=shape, **options)
    engine = engine_process(process)
    x = torch.randn(batch, dim, generator=torch.Generator().manual_seed(0))
    t = torch.linspace(engine.t_min, engine.T, batch)
    with torch.no_grad():
        if method == "trace":
            saved = torch.jit.trace(wrapper, (x, t), check_trace=False)
        elif method == "script":
            saved = torch.jit.script(wrapper)
        else:
            raise ValueError(f"method '{method}': expected trace or script")
        out = saved(x, t)
    if tuple(out.shape) != (batch, dim):
        raise ValueError(f"export: the wrapped model returns shape {tuple(out.shape)} for x of shape {(batch, dim)}")
    if check:
        _check_before_saving(saved, prediction, engine, dim, data, seed, os.fspath(path))
    saved.save(os.fspath(path))
    return {"name": name or os.path.splitext(os.path.basename(os.fspath(path)))[0],
            "torchscript": {"file": os.path.abspath(os.fspath(path)), "prediction": prediction}}
