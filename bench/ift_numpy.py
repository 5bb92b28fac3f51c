#!/usr/bin/python3
"""numpy baseline for bench_ift: the backward (generative) integral fluctuation theorem of Yu & Huang
at their settings, vectorized over trajectories the way a researcher would write it in numpy:
two Gaussians N(+-mu, s2) in 1-D, OU, reverse Euler-Maruyama from x ~ p_T with dt = 0.01 and
1000 steps, the medium entropy by the Stratonovich midpoint rule (drift at the midpoint state and
time), dS = ln p_T(x_0) - ln p_0(x_end), and <exp(-dS_tot)>. Prints one JSON line.
"""
import argparse, json, math, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--trajectories", type=int, default=10000)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--dt", type=float, default=0.01)
p.add_argument("--mu", type=float, default=1.0)
p.add_argument("--s2", type=float, default=1.0)
p.add_argument("--loop", action="store_true", help="one trajectory at a time in a Python loop (the authors' style)")
a = p.parse_args()
rng = np.random.default_rng(1)
T = a.steps * a.dt


def gamma(t):
    return 1 - math.exp(-2 * t) + a.s2 * math.exp(-2 * t)


def score(x, t):
    mt, G = a.mu * math.exp(-t), gamma(t)
    return (np.tanh(mt * x / G) * mt - x) / G


def log_p(x, t):
    mt, G = a.mu * math.exp(-t), gamma(t)
    return np.logaddexp(-(x - mt) ** 2 / (2 * G), -(x + mt) ** 2 / (2 * G)) - math.log(2) - 0.5 * math.log(2 * math.pi * G)


if a.loop:
    # Per-trajectory Python loop with scalar math, as in the paper's published code.
    def score1(x, t):
        mt, G = a.mu * math.exp(-t), gamma(t)
        return (math.tanh(mt * x / G) * mt - x) / G

    def log_p1(x, t):
        mt, G = a.mu * math.exp(-t), gamma(t)
        u, v = -(x - mt) ** 2 / (2 * G), -(x + mt) ** 2 / (2 * G)
        m = max(u, v)
        return m + math.log(math.exp(u - m) + math.exp(v - m)) - math.log(2) - 0.5 * math.log(2 * math.pi * G)

    start = time.perf_counter()
    vals = []
    for i in range(a.trajectories):
        x = (1 if rng.random() < 0.5 else -1) * a.mu * math.exp(-T) + math.sqrt(gamma(T)) * rng.standard_normal()
        lp0, medium = log_p1(x, T), 0.0
        for k in range(a.steps - 1, -1, -1):
            t1 = (k + 1) * a.dt
            xn = x + (x + 2 * score1(x, t1)) * a.dt + math.sqrt(2 * a.dt) * rng.standard_normal()
            xm = 0.5 * (x + xn)
            medium += (xn - x) * (xm + 2 * score1(xm, t1 - 0.5 * a.dt))
            x = xn
        vals.append(math.exp(-(lp0 - log_p1(x, 0.0) + medium)))
    secs = time.perf_counter() - start
    print(json.dumps({"seconds": secs, "ift": float(np.mean(vals)), "ift_se": float(np.std(vals) / math.sqrt(len(vals))),
                      "trajectory_steps_per_s": a.trajectories * a.steps / secs}))
    raise SystemExit(0)

start = time.perf_counter()
n = a.trajectories
sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
x = sign * a.mu * math.exp(-T) + math.sqrt(gamma(T)) * rng.standard_normal(n)
lp0 = log_p(x, T)
medium = np.zeros(n)
for k in range(a.steps - 1, -1, -1):
    t1 = (k + 1) * a.dt
    xn = x + (x + 2 * score(x, t1)) * a.dt + math.sqrt(2 * a.dt) * rng.standard_normal(n)
    xm, tm = 0.5 * (x + xn), t1 - 0.5 * a.dt
    medium += (xn - x) * (xm + 2 * score(xm, tm))
    x = xn
total = lp0 - log_p(x, 0.0) + medium
ift = float(np.mean(np.exp(-total)))
secs = time.perf_counter() - start
print(json.dumps({"seconds": secs, "ift": ift, "ift_se": float(np.std(np.exp(-total)) / math.sqrt(n)),
                  "mean_total": float(np.mean(total)), "trajectory_steps_per_s": n * a.steps / secs}))
