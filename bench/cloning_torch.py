#!/usr/bin/python3
"""PyTorch baseline for bench_cloning: Biroli et al.'s cloning experiment written the way a
researcher would in PyTorch (float64, all samples as one batch): two Gaussians N(+-1, I) in d
dimensions, OU process, reverse SDE by Euler-Maruyama from the prior at T, at the branch step the
state is copied and the copy finishes with independent noise beside the main path (which is the
other copy, as in thermodiff); phi = P(same class at the end).
Memory is the state tensors only (nothing is stored per step). Prints one JSON line.
"""
import argparse, json, math, resource, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--d", type=int, default=1024)
p.add_argument("--samples", type=int, default=10000)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--t-min", type=float, default=0.01)
p.add_argument("--T", type=float, default=10.0)
p.add_argument("--branch", type=float, default=3.5)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--device", default="cpu")
a = p.parse_args()
dev = torch.device(a.device)
torch.set_num_threads(a.threads)
torch.manual_seed(1)
dt = (a.T - a.t_min) / a.steps
means = torch.ones(2, a.d, dtype=torch.float64, device=dev)
means[1] *= -1


def score(x, t):
    al, s2 = math.exp(-t), -math.expm1(-2 * t)
    v = al * al + s2                                   # component variance alpha^2 s^2 + sigma^2 (s = 1)
    m = al * means
    logits = (x @ m.T - 0.5 * (m * m).sum(1)) / v     # the |x|^2 term is common to both components
    r = torch.softmax(logits, 1)
    return (r @ m - x) / v


def step(x, t1):
    # OU: f = -x, g^2 = 2; reverse Euler-Maruyama from t1 to t1 - dt
    return x + (x + 2 * score(x, t1)) * dt + math.sqrt(2 * dt) * torch.randn_like(x)


def t_of(n):
    return a.t_min + n * dt if n < a.steps else a.T


b = round((a.branch - a.t_min) / dt)
start = time.perf_counter()
x = torch.randn(a.samples, a.d, dtype=torch.float64, device=dev)   # prior N(0, 1)
for s in range(a.steps - 1, -1, -1):
    if s == b - 1:
        y = x.clone()                                  # the copy; the main path is the other one
    x = step(x, t_of(s + 1))
for s in range(b - 1, -1, -1):
    y = step(y, t_of(s + 1))
same = torch.argmax(x @ means.T, 1) == torch.argmax(y @ means.T, 1)
phi = same.double().mean().item()  # .item() waits for the device
secs = time.perf_counter() - start
print(json.dumps({"seconds": secs, "phi": phi, "branch_step": b, "total_steps": a.steps + b,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
