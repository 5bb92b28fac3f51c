#!/usr/bin/python3
"""Fuzzes the thermodiff CLI as a user drives it, for a bounded time (docs/robustness.md).

Usage: /usr/bin/python3 fuzz/fuzz_cli.py BINARY SECONDS [SEED]

Two kinds of trial, alternating, each with its own time budget (SECONDS / 2):
  flags   random subcommands with random flags and values (--threads, --seed, --out, --set KEY=VALUE
          with the keys `describe` lists and hostile values: huge, negative, fractional, NaN, strings,
          arrays, tables), on built-ins and a tiny config;
  models  TorchScript models with random faults (NaN, Inf, raise, detached, wrong dtype, integer,
          wrong shape) on random time windows (tests/fixtures/make_faulty_models.py), run through
          every experiment that measures models.
A trial passes when the program exits 0, 1 or 2 (or is stopped by the trial's time limit, exit
124) with no signal, no "terminate called" and no library stack frames; a non-zero exit of a model
trial must name the model. A failing command is written to build/fuzz-cli/failures.txt and fails
the script (exit 1). The seed is printed; the same seed gives the same trials.
"""
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FAULTS = ["nan", "inf", "raise", "detached", "wrong_dtype", "integer", "wrong_shape"]
TINY = """experiment = "taep"
[process]
kind = "vp"
[sim]
trajectories = 64
steps = 20
objective_samples = 8
exact_samples = 64
generated_samples = 16
[target]
ring = { K = 4, radius = 2.0, std = 0.2 }
[[models]]
name = "m"
perturb = { kind = "scale", eps = 0.1 }
"""
HOSTILE = ["0", "-1", "1", "2", "-0", "1e308", "-1e308", "nan", "inf", "-inf", "1.5", "2147483648", "4294967297",
           "9223372036854775807", "99999999999999999999", "\"\"", "\"x\"", "\"../../etc/passwd\"", "[]", "[1, 2]",
           "{}", "{ a = 1 }", "true", "0.0", "1e-300", "\"" + "a" * 300 + "\""]


def experiment_config(kind, model_file, window_t):
    if kind == "taep":
        head = ('experiment = "taep"\n[process]\nkind = "vp"\n[grid]\nsteps = 16\n[sim]\ntrajectories = 32\n'
                'objective_samples = 8\nexact_samples = 32\ngenerated_samples = 8\n[target]\n')
    elif kind == "likelihood":
        head = ('experiment = "likelihood"\n[process]\nkind = "vp"\n[likelihood]\nsamples = 4\nsolver = "rk4"\n'
                'rk4_steps = 16\n[entropy_rates]\nnodes = 4\nsamples = 8\n[data]\n')
    else:
        head = ('experiment = "information"\n[process]\nkind = "ou"\nt_min = 0.01\nT = %g\n[rates]\nnodes = 6\n'
                'samples = 8\n[data]\n' % window_t)
    return head + ('ring = { K = 4, radius = 2.0, std = 0.2 }\n[[models]]\nname = "fuzzed"\n'
                   'torchscript = { file = "%s", prediction = "%s", check = %s }\n'
                   % (model_file, random.choice(["eps", "x0", "score"]), random.choice(["true", "false"])))


def bad_ending(code, out):
    if code not in (0, 1, 2, 124):
        return "exit %d (a signal or an unexpected status)" % code
    for s in ("terminate called", "frame #", "Segmentation", "Traceback", "core dumped"):
        if s in out:
            return "output contains '%s'" % s
    return None


def run(cmd, cwd, limit):
    # SIGTERM at the limit (thermodiff's handler leaves an incomplete run): timeout's status is then 124.
    p = subprocess.run(["timeout", "-k", "10", str(limit)] + cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    return p.returncode, p.stdout


def keys_of(binary, name):
    code, out = run([binary, "describe", name], ROOT, 60)
    keys = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("integer", "number", "string", "boolean", "array", "table") and "." in parts[0]:
            keys.append(parts[0])
    return keys


def builtins_of(binary):
    """Every built-in the program lists (each experiment's folder declares its own)."""
    code, out = run([binary, "list"], ROOT, 60)
    if code != 0:
        raise SystemExit("fuzz_cli: `thermodiff list` failed:\n" + out)
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def flags_trial(binary, work, keys):
    sub = random.choice(["run", "run", "validate", "validate", "describe", "show", "list", "clean"])
    builtins = [name for name in keys if name != "tiny.toml"]
    target = random.choice(["tiny.toml", "tiny.toml", "no-such-thing", "/tmp"] + [random.choice(builtins)] * 4)
    args = [sub]
    if sub == "clean":
        args += [random.choice([".", "out", "runs", "/nonexistent", "tiny.toml"])] + random.choice([[], ["--remove"]])
    elif sub in ("run", "validate", "describe", "show"):
        args.append(target)
        for _ in range(random.randint(0, 4)):
            flag = random.choice(["--set", "--set", "--set", "--seed", "--threads", "--out", "--overwrite", "--resume",
                                  "--quiet", "--verbose", "--bogus"])
            if flag == "--set":
                key = random.choice(keys.get(target, ["sim.trajectories"]) or ["x"])
                args += ["--set", "%s=%s" % (key, random.choice(HOSTILE))]
            elif flag in ("--seed", "--threads"):
                args += [flag, random.choice(["-1", "0", "1", "2", "3", "8", "9", "50000", "1e3", "x", "", "99999999999999999999"])]
            elif flag == "--out":
                args += ["--out", random.choice(["out", ".", "..", "tiny.toml", "/proc/x", "a" * 300, "new/sub/out", "out/"])]
            else:
                args.append(flag)
    if sub == "run":
        args += ["--quiet", "--set", "sim.trajectories=64"] if target == "tiny.toml" else ["--quiet"]
    return args, run([binary] + args, work, 20)


def models_trial(binary, work, count):
    specs, chosen = [], []
    for i in range(count):
        fault = random.choice(FAULTS)
        a = round(random.uniform(0.0, 1.0), 3)
        b = round(min(1.0, a + random.choice([0.01, 0.05, 0.2, 1.0])), 3)
        spec = random.choice([fault, "%s@%g" % (fault, a), "%s@%g:%g" % (fault, a, b)])
        specs.append(spec)
    code, out = run(["/usr/bin/python3", os.path.join(ROOT, "tests/fixtures/make_faulty_models.py"), work, "2"] + specs,
                    work, 300)
    if code != 0:
        raise SystemExit("fuzz_cli: make_faulty_models.py failed (needs Debian's python3-torch):\n" + out)
    results = []
    for spec in specs:
        fault, _, at = spec.partition("@")
        lo, _, hi = at.partition(":")
        name = fault + ("-at-" + lo if lo else "") + ("-" + hi if hi else "") + ".pt"
        kind = random.choice(["taep", "likelihood", "information"])
        cfg = os.path.join(work, "model.toml")
        with open(cfg, "w") as f:
            f.write(experiment_config(kind, name, random.choice([1.0, 2.0])))
        args = ["run", cfg, "--quiet", "--threads", random.choice(["1", "2"]), "--out", os.path.join(work, "mout"),
                "--overwrite"]
        results.append((spec + " in " + kind, args) + run([binary] + args, work, 60))
    return results


def main():
    binary, seconds = os.path.abspath(sys.argv[1]), float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else int(time.time()) % 100000
    random.seed(seed)
    print("fuzz_cli: seed %d, %g s" % (seed, seconds), flush=True)
    failures_file = os.path.join(ROOT, "build", "fuzz-cli", "failures.txt")
    os.makedirs(os.path.dirname(failures_file), exist_ok=True)
    failures, trials = [], {"flags": 0, "models": 0}
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "tiny.toml"), "w") as f:
            f.write(TINY)
        keys = {name: keys_of(binary, name) for name in builtins_of(binary)}
        keys["tiny.toml"] = keys["mode-collapse"]
        start = time.time()
        while time.time() - start < seconds / 2:
            args, (code, out) = flags_trial(binary, work, keys)
            trials["flags"] += 1
            why = bad_ending(code, out)
            if why:
                failures.append("flags: thermodiff %s\n  %s\n%s" % (shlex.join(args), why, out[-2000:]))
        while time.time() - start < seconds:
            for what, args, code, out in models_trial(binary, work, 6):
                trials["models"] += 1
                why = bad_ending(code, out)
                if not why and code in (1, 2) and "fuzzed" not in out and "model" not in out:
                    why = "a non-zero exit that names no model"
                if why:
                    failures.append("models: %s: thermodiff %s\n  %s\n%s" % (what, shlex.join(args), why, out[-2000:]))
    print("fuzz_cli: %d flag trials, %d model trials, %d failures" % (trials["flags"], trials["models"], len(failures)))
    if failures:
        with open(failures_file, "w") as f:
            f.write("seed %d\n\n" % seed + "\n\n".join(failures))
        print("\n\n".join(failures[:3]))
        print("fuzz_cli: FAILED (all failures in %s; rerun with seed %d)" % (failures_file, seed))
        sys.exit(1)


main()
