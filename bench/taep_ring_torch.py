#!/usr/bin/env python3
"""PyTorch eager baseline for bench_taep_fused: TAEP (eq. 28, Ito pre-point) of an exact collapse
model (m = 1, alpha = 0.25) against the exact score of a K = 8 ring (R = 2, std = 0.1), d = 2, VP,
in float64, all trajectories as one batch on --device (cuda or cpu), forward Euler-Maruyama, the
scores and divergences in closed form: what a researcher writes in PyTorch. Prints one JSON line.
(On the GPU machine run it with `python3`, which has PyTorch; /usr/bin/python3 there has none.)
"""
import argparse, json, math, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--trajectories", type=int, default=1000000)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--run-steps", type=int, default=50)   # steps timed (a rate is a rate)
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
dev = torch.device(a.device)
torch.manual_seed(1)

K, R, STD, d = 8, 2.0, 0.1, 2
BMIN, BMAX, TMIN, T = 0.1, 20.0, 1e-3, 1.0
ang = 2 * math.pi * torch.arange(K, dtype=torch.float64, device=dev) / K
means = torch.stack([R * torch.cos(ang), R * torch.sin(ang)], 1)
w_model = torch.full((K,), (1 - 0.25 / K) / (K - 1), dtype=torch.float64, device=dev)
w_model[0] = 0.25 / K
logw_t = torch.full((K,), -math.log(K), dtype=torch.float64, device=dev)
logw_m = torch.log(w_model)


def alpha_sigma(t):
    la = 0.5 * BMIN * t + 0.25 * (BMAX - BMIN) * t * t
    return math.exp(-la), math.sqrt(-math.expm1(-2 * la))


def score_div(x, t, logw):
    al, sg = alpha_sigma(t)
    v = al * al * STD * STD + sg * sg
    diff = al * means[None] - x[:, None]
    r = torch.softmax(logw[None] - 0.5 * (diff * diff).sum(2) / v, 1)
    sk = diff / v
    s = torch.einsum("nk,nkd->nd", r, sk)
    div = (r * ((sk * sk).sum(2) - d / v)).sum(1) - (s * s).sum(1)
    return s, div


n, dt = a.trajectories, (T - TMIN) / a.steps
comp = torch.randint(0, K, (n,), device=dev)
al0, sg0 = alpha_sigma(TMIN)
x = al0 * means[comp] + math.sqrt(al0 * al0 * STD * STD + sg0 * sg0) * torch.randn(n, d, dtype=torch.float64, device=dev)
sigma = torch.zeros(n, dtype=torch.float64, device=dev)


def step(i):
    global x, sigma
    t = TMIN + i * dt
    g2 = BMIN + (BMAX - BMIN) * t
    z = torch.randn(n, d, dtype=torch.float64, device=dev)
    st, dvt = score_div(x, t, logw_t)
    sm, dvm = score_div(x, t, logw_m)
    sigma += g2 * dt * (dvm - dvt + 0.5 * ((sm * sm).sum(1) - (st * st).sum(1))) + math.sqrt(g2 * dt) * ((sm - st) * z).sum(1)
    x = x - 0.5 * g2 * x * dt + math.sqrt(g2 * dt) * z


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


step(0)  # warm-up
sync()
t0 = time.perf_counter()
for i in range(1, a.run_steps + 1):
    step(i)
sync()
secs = time.perf_counter() - t0
print(json.dumps({"trajectory_steps_per_s": n * a.run_steps / secs, "seconds": secs, "run_steps": a.run_steps,
                  "trajectories": n, "device": str(dev), "torch": torch.__version__,
                  "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None}))
