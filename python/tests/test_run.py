"""thermodiff.run against the command line: the same seed gives the same numbers; errors are
Python exceptions with the command line's messages; results survive a round trip."""
import json
import os

import numpy as np
import pytest

import thermodiff as td

# Entries that say when, where and from what a run was made, not what it computed.
RECORD = {"created", "config_source", "timing_s", "throughput", "git"}


def computed(results_json):
    return {k: v for k, v in results_json.items() if k not in RECORD}


def load(path):
    with open(os.path.join(path, "results.json")) as f:
        return json.load(f)


def test_run_gives_exactly_what_the_command_line_gives(tmp_path, cli):
    code, out, err = cli("run", "mode-collapse", "--out", tmp_path / "cli", "--seed", 3, "--threads", 2, "--quiet",
                         "--set", "sim.trajectories=3000")
    assert code == 0, err
    res = td.run("mode-collapse", out=tmp_path / "py", seed=3, threads=2, quiet=True, **{"sim.trajectories": 3000})
    assert computed(load(tmp_path / "cli")) == computed(load(res.path))
    assert res["seed"] == 3 and res["sim"]["trajectories"] == 3000
    taep = res["models"][1]["taep"]
    print("mode-collapse seed 3, model 1: <Sigma> =", taep["mean"], "+-", taep["mean_se"], "dt", taep["mean_dt_error"])
    assert taep["mean"] > 0 and os.path.isfile(res.report)


def test_a_dict_config_is_the_same_run_as_its_file(tmp_path, cli):
    config = td.builtin_config("mode-collapse")
    config["sim"].update(trajectories=600, objective_samples=50, exact_samples=2000, generated_samples=50)
    config["grid"].update(steps=100, refine=False)
    config["models"] = config["models"][:2]
    res = td.run(config, out=tmp_path / "dict", threads=1, quiet=True)
    # The same config written by the run (config.toml) and run from the command line.
    code, _, err = cli("run", os.path.join(res.path, "config.toml"), "--out", tmp_path / "file", "--threads", 1, "--quiet")
    assert code == 0, err
    assert computed(load(tmp_path / "file")) == computed(res.to_json())
    assert res.config["grid"]["steps"] == 100


def test_results_round_trip(tmp_path):
    res = td.run("mode-collapse", out=tmp_path / "r", quiet=True,
                 **{"sim.trajectories": 400, "grid.steps": 50, "grid.refine": False, "sim.exact_samples": 1000,
                    "sim.objective_samples": 20, "sim.generated_samples": 20})
    raw = load(res.path)
    assert res.to_json() == raw
    again = td.Results.load(res.path)
    assert again.to_json() == raw
    hist = res["models"][0]["histogram"]
    arrays = [v for v in hist.values() if isinstance(v, np.ndarray)] if isinstance(hist, dict) else []
    assert arrays, "numeric lists come back as numpy arrays"


def cli_message(cli, *args):
    code, _, err = cli(*args)
    line = [l for l in err.splitlines() if l.startswith(("error: ", "failed: "))][-1]
    return code, line.split(": ", 1)[1]


def test_bad_input_is_input_error_with_the_command_lines_message(tmp_path, cli):
    code, msg = cli_message(cli, "run", "mode-collapse", "--out", tmp_path / "c", "--set", "sim.trajectoires=5")
    assert code == 2
    with pytest.raises(td.InputError) as e:
        td.run("mode-collapse", out=tmp_path / "p", **{"sim.trajectoires": 5})
    assert str(e.value) == msg
    assert isinstance(e.value, ValueError)
    assert not os.path.exists(tmp_path / "p"), "no run directory for bad input"
    with pytest.raises(td.InputError, match="config file 'no-such' does not exist"):
        td.run("no-such")
    with pytest.raises(td.InputError, match="None"):
        td.run({"experiment": "taep", "seed": None})
    with pytest.raises(td.InputError, match="key 'models\\[0\\].x' is not finite"):
        td.validate({"experiment": "taep", "models": [{"x": float("nan")}]})


def toml_text(config):
    """A config dict as a TOML file's text (top-level keys, tables, arrays of tables)."""
    lines = [f"{k} = {td.runs._toml_value(v, k)}" for k, v in config.items() if not isinstance(v, (dict, list))]
    for k, v in config.items():
        for table in ([v] if isinstance(v, dict) else v if isinstance(v, list) else []):
            lines.append(f"[{k}]" if isinstance(v, dict) else f"[[{k}]]")
            lines += [f"{kk} = {td.runs._toml_value(vv, kk)}" for kk, vv in table.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("fault,error,code", [("nan@0.6:0.7", td.RunError, 1), ("wrong_shape", td.InputError, 2)])
def test_a_faulty_model_is_an_exception_with_the_command_lines_message(tmp_path, cli, fixtures, fault, error, code):
    """NaN outputs found during the run (between the probe times) are a failed run; a wrong output
    shape, found when the model is loaded, is bad input; the same message as the command line's."""
    import subprocess, sys
    subprocess.run([sys.executable, os.path.join(fixtures, "make_faulty_models.py"), str(tmp_path), "2", fault],
                   check=True, capture_output=True)
    model = next(tmp_path.glob("*.pt"))
    config = {"experiment": "taep", "seed": 1, "process": {"kind": "vp"}, "grid": {"steps": 20, "refine": False},
              "sim": {"trajectories": 64, "objective_samples": 8, "exact_samples": 64, "generated_samples": 8},
              "target": {"ring": {"K": 4, "radius": 2.0, "std": 0.2}},
              # the faulty models ignore t, which the convention check refuses: the test is about run faults
              "models": [{"name": "faulty", "torchscript": {"file": str(model), "prediction": "eps", "check": False}}]}
    with pytest.raises(error) as e:
        td.run(config, out=tmp_path / "p", quiet=True)
    assert not os.path.exists(tmp_path / "p")
    toml_path = tmp_path / "faulty.toml"
    toml_path.write_text(toml_text(config))
    got, msg = cli_message(cli, "run", toml_path, "--out", tmp_path / "c", "--quiet")
    assert got == code
    assert str(e.value) == msg
    print(type(e.value).__name__ + ":", msg)


def test_overrides_take_python_values():
    assert td.runs._toml_value(True, "k") == "true"
    assert td.runs._toml_value(3, "k") == "3"
    assert td.runs._toml_value(0.25, "k") == "0.25"
    assert td.runs._toml_value("log_sigma", "k") == '"log_sigma"'
    assert td.runs._toml_value([1, 2.5], "k") == "[1, 2.5]"
    assert td.runs._toml_value({"m": 1}, "k") == "{m = 1}"
    with pytest.raises(td.InputError, match="override 'k'"):
        td.runs._toml_value(object(), "k")


def test_ctrl_c_stops_a_run_within_seconds_and_leaves_it_resumable(tmp_path):
    """SIGINT during thermodiff.run: KeyboardInterrupt within a few seconds (the engine stops at its next
    block), the incomplete run kept with its finished chunks; run(..., resume=True) continues it and
    gives the uninterrupted numbers. quiet=True prints nothing but the error."""
    import glob
    import signal
    import subprocess
    import sys
    import time
    from conftest import ROOT
    out = tmp_path / "long"
    sets = {"sim.trajectories": 400000, "grid.steps": 200, "grid.refine": False, "sim.generated_samples": 0,
            "sim.objective_samples": 50, "sim.exact_samples": 2000}
    script = ("import sys; sys.path.insert(0, %r); import thermodiff as td\n"
              "try:\n    td.run('mode-collapse', out=%r, threads=1, quiet=True, **%r)\n"
              "except KeyboardInterrupt as e:\n    print('KeyboardInterrupt:', e); sys.exit(3)\n"
              % (os.path.join(ROOT, "build", "python"), str(out), sets))
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    chunks = str(tmp_path / ".long.incomplete-*" / "checkpoints" / "taep-steps-*.bin")
    for _ in range(1200):  # until the first chunk is saved
        if glob.glob(chunks) or p.poll() is not None:
            break
        time.sleep(0.05)
    assert glob.glob(chunks), "no chunk was saved"
    sent = time.time()
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    stopped = time.time() - sent
    print(f"stopped {stopped:.2f} s after SIGINT; stdout: {stdout.strip()[:300]}")
    assert p.returncode == 3, stdout + stderr
    assert "interrupted; the incomplete run is left in" in stdout and "--resume" in stdout
    assert stopped < 5
    assert stderr == "", stderr  # quiet=True: errors only, and this one is an exception
    assert not out.exists() and glob.glob(str(tmp_path / ".long.incomplete-*"))
    resumed = td.run("mode-collapse", out=out, threads=1, quiet=True, resume=True, **sets)
    whole = td.run("mode-collapse", out=tmp_path / "whole", threads=1, quiet=True, **sets)
    for a, b in zip(resumed["models"], whole["models"]):
        assert a["taep"] == b["taep"]
