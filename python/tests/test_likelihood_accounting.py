"""Likelihood accounting: every term of the NLL and its bits/dim in the results, the Hutchinson
settings with the probe variance, and the known pitfall as a check: 8-bit data measured without
dequantization by a model of the 8-bit values (a spike at each level) give bits/dim below the
data's entropy (8 bits/dim for uniform 8-bit data), which the run flags; uniform dequantization
gives a code length, never below it."""
import math

import numpy as np
import pytest

import thermodiff as td

LEVELS = np.arange(256)


def config(dequantize, model, samples=64, t_min=1e-5, probes=0):
    return {"experiment": "likelihood", "seed": 4,
            "process": {"kind": "vp", "t_min": t_min},
            "data": {"kind": "uniform8", "side": 1},
            "models": [model],
            "likelihood": {"samples": samples, "dequantize": dequantize, "hutchinson_probes": probes,
                           "exact_references": False},
            "entropy_rates": {"nodes": 8, "samples": 64}}


# The 8-bit values' own law: a delta at each level's centre (k + 1/2)/256 (D = 1).
SPIKES = {"name": "spikes", "mixture": {"weights": [1 / 256] * 256, "means": [[(k + 0.5) / 256] for k in LEVELS],
                                        "std": [0.0] * 256}}


def find_nll(res):
    """The NLL section of the first model."""
    return res["models"][0]["nll"]


@pytest.mark.parametrize("dequantize", ["none", "uniform"])
def test_undequantized_8bit_data_fall_below_the_entropy_and_are_flagged(tmp_path, dequantize):
    res = td.run(config(dequantize, SPIKES), out=tmp_path / dequantize, quiet=True, threads=1)
    nll = find_nll(res)
    acc = nll["accounting"]
    bits, se = nll["bits_per_dim"], nll["bits_per_dim_se"]
    print(f"dequantize = {dequantize}: {bits:.4f} +- {se:.4f} bits/dim (data entropy 8; seed 4)")
    flags = " ".join(res["flags"])
    assert acc["dequantization"] == dequantize and acc["is_code_length"] == (dequantize == "uniform")
    assert acc["prior_term"]["mean"] + acc["divergence_term"]["mean"] == pytest.approx(nll["mean"], rel=1e-12)
    assert acc["data_scaling"]["bits_offset_per_dim"] == 8.0
    if dequantize == "none":
        # The spikes' density at a level is that of its own spike, (1/256) / (sqrt(2 pi) sigma), with
        # sigma = sigma(t_min) carried to the prior by the flow: bits/dim = log2(256 sqrt(2 pi) sigma) + 8
        # (the others' tails are e^-(1/256)^2/(2 sigma^2) ~ e^-30 smaller).
        sigma = math.sqrt(-math.expm1(-0.1 * 1e-5 - 0.5 * 19.9 * 1e-10))
        expect = math.log2(256 * math.sqrt(2 * math.pi) * sigma) + 8
        print(f"closed form: {expect:.4f} bits/dim")
        assert bits == pytest.approx(expect, abs=4 * se + 2e-3)  # + the ODE's tolerance (rtol 1e-5 on ~5 nats)
        assert bits + 4 * se < 8
        assert "below the data's entropy" in flags and 'dequantize = "none"' in flags
        assert acc["dequantization_entropy"] == 0.0
    else:
        assert bits > 8 - 4 * se  # a code length: never below the entropy
        assert "below the data's entropy" not in flags
        assert acc["dequantization_entropy"] == pytest.approx(math.log(1 / 256))


def test_hutchinson_settings_and_probe_variance(tmp_path):
    """A network model (the TorchScript fixture on 2-D points) with 4 probes: the settings are
    stated and the probe variance is estimated; its share of the NLL's variance is positive and at
    most 1 within the error of the NLL's sample variance over n = 32 samples (relative SE sqrt(2/(n-1)),
    4 SE): on ring points, whose NLLs hardly differ, nearly all of the variance is the probes'."""
    import os
    from conftest import ROOT
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    cfg = {"experiment": "likelihood", "seed": 2, "process": {"kind": "vp"},
           "data": {"file": os.path.join(fixtures, "ring_points.csv")},
           "models": [{"name": "mine", "torchscript": {"file": os.path.join(fixtures, "tiny_eps_mlp.pt"), "prediction": "eps"}}],
           "likelihood": {"samples": 32, "solver": "rk4", "rk4_steps": 40, "hutchinson_probes": 4},
           "entropy_rates": {"nodes": 8, "samples": 64}}
    res = td.run(cfg, out=tmp_path / "h", quiet=True, threads=1)
    h = find_nll(res)["accounting"]["hutchinson"]
    print("hutchinson:", h)
    assert h["probes"] == 4 and h["distribution"] == "rademacher" and h["fixed_per_sample"] is True
    assert h["probe_variance"] > 0 and 0 < h["probe_share_of_nll_variance"] <= 1 + 4 * math.sqrt(2 / 31)
    cfg["likelihood"]["hutchinson_probes"] = 1
    res1 = td.run(cfg, out=tmp_path / "h1", quiet=True, threads=1)
    h1 = find_nll(res1)["accounting"]["hutchinson"]
    assert h1["probe_variance"] is None and "cannot be estimated" in h1["note"]
