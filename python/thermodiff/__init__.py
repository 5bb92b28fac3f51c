"""thermodiff from Python: the engine's experiments, its building blocks on numpy arrays, and
exporters that turn PyTorch models in the usual conventions into model files the engine loads.

    import thermodiff as td
    res = td.run("mode-collapse", out="runs/x", seed=3, **{"sim.trajectories": 3000})
    res["models"][0]["taep"]["mean"], res.report

docs/python.md describes the whole package.
"""
from ._core import InputError, RunError, model_kinds
from .runs import Results, builtin_config, builtins, run, validate
from .blocks import (Mixture, Process, Score, schedule, cloning, conditional_entropy, entropy_production, entropy_rates, exact_score,
                     excess_entropy, fixed_points, grid, intrinsic_dimension, memorization, mixture, model_collapse, nearest_neighbors, nll, pathwise_entropy, pathwise_entropy_generative, sample,
                     ring, speciation_time, spectrum, symmetric_pair, taep, torchscript_score)


def export(model, kind, path, **options):
    """Writes `model` (a torch.nn.Module in convention `kind`) as a TorchScript file the engine loads;
    returns its [[models]] entry. See thermodiff.export_models.export (imports torch)."""
    from .export_models import export as _export
    return _export(model, kind, path, **options)


__all__ = ["InputError", "RunError", "Results", "run", "validate", "builtins", "builtin_config", "Process",
           "Mixture", "Score", "mixture", "ring", "symmetric_pair", "grid", "exact_score", "torchscript_score",
           "taep", "entropy_production", "nll", "entropy_rates", "conditional_entropy", "pathwise_entropy", "pathwise_entropy_generative",
           "speciation_time", "cloning", "excess_entropy", "fixed_points", "schedule", "memorization", "model_collapse", "nearest_neighbors", "sample", "spectrum",
           "intrinsic_dimension", "export"]
