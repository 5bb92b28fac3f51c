#!/usr/bin/python3
"""Straightforward vectorized numpy TAEP ensemble (the baseline of bench_taep).

Same computation as thermodiff's TAEP kernel: K-mode ring target and a collapse model, VP process,
forward Euler-Maruyama over all trajectories at once, eq. 28 (Ito) accumulated per trajectory.
Prints one JSON line: trajectory-steps per second and the TAEP mean/variance (for a cross-check).
"""
import argparse, json, math, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--trajectories", type=int, default=100000)
p.add_argument("--steps", type=int, default=1000)       # grid resolution (dt = (T - t_min) / steps)
p.add_argument("--run-steps", type=int, default=None)   # how many of them to run (timing fraction)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

K, R, STD, M, ALPHA = 8, 2.0, 0.1, 1, 0.25
BMIN, BMAX, TMIN, T = 0.1, 20.0, 1e-3, 1.0
d = 2
ang = 2 * np.pi * np.arange(K) / K
means = np.stack([R * np.cos(ang), R * np.sin(ang)], axis=1)
w_target = np.full(K, 1.0 / K)
w_model = np.where(np.arange(K) < M, ALPHA / K, (1 - M * ALPHA / K) / (K - M))

def alpha_sigma2(t):
    la = 0.5 * BMIN * t + 0.25 * (BMAX - BMIN) * t * t
    return math.exp(-la), -math.expm1(-2 * la)

def score_div(x, t, w):
    al, s2 = alpha_sigma2(t)
    v = al * al * STD * STD + s2
    diff = al * means[None, :, :] - x[:, None, :]                     # n x K x d
    logit = np.log(w)[None, :] - 0.5 * np.sum(diff * diff, axis=2) / v
    logit -= logit.max(axis=1, keepdims=True)
    r = np.exp(logit)
    r /= r.sum(axis=1, keepdims=True)
    sk = diff / v
    s = np.einsum("nk,nkd->nd", r, sk)
    div = np.sum(r * (np.sum(sk * sk, axis=2) - d / v), axis=1) - np.sum(s * s, axis=1)
    return s, div

rng = np.random.default_rng(a.seed)
n = a.trajectories
al0, s20 = alpha_sigma2(TMIN)
comp = rng.choice(K, size=n, p=w_target)
x = al0 * means[comp] + math.sqrt(al0 * al0 * STD * STD + s20) * rng.standard_normal((n, d))
dt = (T - TMIN) / a.steps
run_steps = a.run_steps or a.steps
sigma = np.zeros(n)
t0 = time.perf_counter()
for k in range(run_steps):
    t = TMIN + k * dt
    beta = BMIN + (BMAX - BMIN) * t
    z = rng.standard_normal((n, d))
    st, dvt = score_div(x, t, w_target)
    sm, dvm = score_div(x, t, w_model)
    jd = dvm - dvt + 0.5 * (np.sum(sm * sm, axis=1) - np.sum(st * st, axis=1))
    sigma += beta * dt * jd + math.sqrt(beta * dt) * np.sum((sm - st) * z, axis=1)
    x = x - 0.5 * beta * x * dt + math.sqrt(beta * dt) * z
elapsed = time.perf_counter() - t0
print(json.dumps({"impl": "numpy", "numpy": np.__version__, "trajectories": n, "steps_run": run_steps,
                  "seconds": elapsed, "trajectory_steps_per_s": n * run_steps / elapsed,
                  "taep_mean": float(sigma.mean()), "taep_var": float(sigma.var(ddof=1))}))
