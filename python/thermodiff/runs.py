"""thermodiff.run: an experiment run exactly as `thermodiff run` runs it, its results as Python objects."""
import json
import math
import os
import tomllib

import numpy as np

from . import _core
from ._core import InputError


def _toml_value(v, key):
    """A Python value as the TOML literal `--set KEY=VALUE` takes."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(x, key) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x, key)}" for k, x in v.items()) + "}"
    raise InputError(f"override '{key}': a {type(v).__name__} has no TOML value")


def _json_default(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    raise TypeError(f"a {type(v).__name__} has no TOML value")


def _config_options(config, seed, device, overrides):
    """The options that name the config, as the command line's CONFIG, --seed, --device and --set."""
    kw = dict(seed=None if seed is None else str(seed), device=device,
              sets=[f"{k}={_toml_value(v, k)}" for k, v in overrides.items()])
    if not isinstance(config, dict):
        kw["config"] = os.fspath(config)
        return kw
    try:
        kw["config_json"] = json.dumps(config, default=_json_default, allow_nan=False)
    except ValueError:
        raise InputError(f"config dict: key '{_nonfinite_key(config)}' is not finite (NaN or infinite)") from None
    except TypeError as e:
        raise InputError(f"config dict: {e}") from None
    kw["config_name"] = str(config.get("name", "python"))
    return kw


def _nonfinite_key(v, path=""):
    """The dotted key of the first NaN or infinite number in a config dict (None if there is none)."""
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, (list, tuple)) else ()
    for k, x in items:
        key = f"{path}.{k}" if isinstance(k, str) and path else (k if isinstance(k, str) else f"{path}[{k}]")
        if isinstance(x, (float, np.floating)) and not math.isfinite(x):
            return key
        found = _nonfinite_key(x, key)
        if found:
            return found
    return None


def _command(config, out, seed, threads, device, sets, flags):
    """The command line `thermodiff run` with these options (for the resume hint and the records)."""
    args = ["run"] + ([config] if isinstance(config, str) else [])
    for flag, v in (("--out", out), ("--seed", seed), ("--threads", threads), ("--device", device)):
        if v is not None:
            args += [flag, str(v)]
    for s in sets:
        args += ["--set", s]
    return args + [f"--{f}" for f, on in flags.items() if on]


def run(config="mode-collapse", out=None, seed=None, threads=None, device=None, quiet=False, overwrite=False,
        resume=False, verbose=False, **overrides):
    """Runs an experiment as `thermodiff run` does and returns its Results.

    config: a built-in's name, a TOML file's path, or a dict with a config's keys (as the TOML would
    hold them: tables as dicts, [[models]] as a list of dicts). overrides: dotted keys with values,
    `**{"sim.trajectories": 3000}`, as `--set sim.trajectories=3000`. Bad input raises InputError,
    a failed run RunError, each with the command line's message.
    """
    kw = _config_options(config, seed, device, overrides)
    kw.update(out=None if out is None else os.fspath(out), threads=None if threads is None else str(threads),
              quiet=quiet, overwrite=overwrite, resume=resume, verbose=verbose)
    flags = dict(quiet=quiet, overwrite=overwrite, resume=resume, verbose=verbose)
    kw["args"] = _command(kw.get("config"), kw["out"], kw["seed"], kw["threads"], device, kw["sets"], flags)
    return Results.load(_core.run(**kw))


def validate(config, seed=None, device=None, estimate=True, **overrides):
    """Checks a config as `thermodiff validate` does: prints its summary, memory and run-time estimates
    (two short pilot runs, docs/robustness.md#estimate; estimate=False: none); raises InputError
    naming what is wrong."""
    _core.validate(**_config_options(config, seed, device, overrides), no_estimate=not estimate)


def builtins():
    """The built-in experiments: {name: summary}."""
    return dict(_core.builtins())


def builtin_config(name):
    """A built-in experiment's config as a dict (change it and pass it to run)."""
    return tomllib.loads(_core.builtin_config(name))


def _arrays(v):
    """results.json's numeric lists as numpy arrays (null -> NaN); everything else as it is."""
    if isinstance(v, dict):
        return {k: _arrays(x) for k, x in v.items()}
    if not isinstance(v, list):
        return v
    if v and all(x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in v) \
            and any(x is not None for x in v):
        floats = any(isinstance(x, float) or x is None for x in v)
        return np.array([np.nan if x is None else x for x in v], dtype=np.float64 if floats else np.int64)
    items = [_arrays(x) for x in v]
    if items and all(isinstance(x, np.ndarray) and x.ndim == 1 for x in items) and len({len(x) for x in items}) == 1:
        return np.stack(items)
    return items


def _plain(v):
    """The inverse of _arrays: numpy arrays back to lists (NaN -> None), as results.json holds them."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v] if v.ndim > 1 else [None if (isinstance(x, float) and math.isnan(x)) else x
                                                           for x in v.tolist()]
    return v


class Results:
    """A run's results: results.json as Python objects with numeric lists as numpy arrays
    (`results["models"][0]["taep"]`), the run directory `path`, the `report` (HTML) and the
    resolved `config` (dict)."""

    def __init__(self, path, data, config):
        self.path, self.data, self.config = path, data, config
        self.report = os.path.join(path, "report.html")

    @classmethod
    def load(cls, path):
        """The results of an existing run directory."""
        path = os.fspath(path)
        try:
            with open(os.path.join(path, "results.json")) as f:
                raw = json.load(f)
            with open(os.path.join(path, "config.toml"), "rb") as f:
                config = tomllib.load(f)
        except OSError as e:
            raise InputError(f"{path}: not a finished run directory ({e.strerror}: {e.filename})") from None
        return cls(path, _arrays(raw), config)

    def to_json(self):
        """results.json's content again (numpy arrays as lists, NaN as null)."""
        return _plain(self.data)

    def __getitem__(self, key):
        return self.data[key]

    def __contains__(self, key):
        return key in self.data

    def keys(self):
        return self.data.keys()

    def __repr__(self):
        return f"Results({self.path!r}: {self.data.get('experiment', '?')}, keys {sorted(self.data)})"
