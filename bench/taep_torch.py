#!/usr/bin/python3
"""PyTorch baseline for bench_network: TAEP (eq. 28, Ito) of the paper's MLP score network
against the exact score of a K = 8 ring, written the way a researcher would in PyTorch: all
trajectories as one batch, the network's divergence by autograd (d vector-Jacobian products),
the target's score and divergence in closed form (float64), forward Euler-Maruyama.

The network is randomly initialized (the rate does not depend on the weights). Prints one JSON line.
"""
import argparse, json, math, time
import torch

from torch_mlp import Mlp  # the same network as src/nn/mlp.hpp

p = argparse.ArgumentParser()
p.add_argument("--trajectories", type=int, default=20000)
p.add_argument("--steps", type=int, default=1000)      # grid: dt = (T - t_min) / steps
p.add_argument("--run-steps", type=int, default=20)    # steps timed (a rate is a rate)
p.add_argument("--width", type=int, default=128)
p.add_argument("--hidden", type=int, default=3)
p.add_argument("--embed", type=int, default=32)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

K, R, STD, d = 8, 2.0, 0.1, 2
BMIN, BMAX, TMIN, T = 0.1, 20.0, 1e-3, 1.0
ang = 2 * math.pi * torch.arange(K, dtype=torch.float64) / K
means = torch.stack([R * torch.cos(ang), R * torch.sin(ang)], 1)
logw = torch.full((K,), -math.log(K), dtype=torch.float64)

net = Mlp(d, a.width, a.hidden, a.embed)
for q in net.parameters():
    q.requires_grad_(False)


def beta(t): return BMIN + (BMAX - BMIN) * t
def alpha_sigma(t):
    la = 0.5 * BMIN * t + 0.25 * (BMAX - BMIN) * t * t
    return math.exp(-la), math.sqrt(-math.expm1(-2 * la))


def target_score_div(x, t):
    al, sg = alpha_sigma(t)
    v = al * al * STD * STD + sg * sg
    diff = al * means[None] - x[:, None]                      # n x K x d
    r = torch.softmax(logw[None] - 0.5 * (diff * diff).sum(2) / v, 1)
    sk = diff / v
    s = torch.einsum("nk,nkd->nd", r, sk)
    div = (r * ((sk * sk).sum(2) - d / v)).sum(1) - (s * s).sum(1)
    return s, div


def model_score_div(x, t):
    _, sg = alpha_sigma(t)
    x32 = x.float().requires_grad_(True)
    s = -net(x32, torch.full((x.shape[0],), t)) / sg
    div = torch.zeros(x.shape[0])
    for j in range(d):
        g, = torch.autograd.grad(s[:, j].sum(), x32, retain_graph=j + 1 < d)
        div += g[:, j]
    return s.detach().double(), div.double()


n = a.trajectories
dt = (T - TMIN) / a.steps
comp = torch.randint(0, K, (n,))
al0, sg0 = alpha_sigma(TMIN)
x = al0 * means[comp] + math.sqrt(al0 * al0 * STD * STD + sg0 * sg0) * torch.randn(n, d, dtype=torch.float64)
sigma = torch.zeros(n, dtype=torch.float64)


def step(i):
    global x, sigma
    t = TMIN + i * dt
    g2 = beta(t)
    z = torch.randn(n, d, dtype=torch.float64)
    st, dvt = target_score_div(x, t)
    sm, dvm = model_score_div(x, t)
    jt = dvt + 0.5 * (st * st).sum(1)
    jm = dvm + 0.5 * (sm * sm).sum(1)
    sigma += g2 * dt * (jm - jt) + math.sqrt(g2 * dt) * ((sm - st) * z).sum(1)
    x = x - 0.5 * g2 * x * dt + math.sqrt(g2 * dt) * z


step(0)  # warm-up
t0 = time.perf_counter()
for i in range(1, a.run_steps + 1):
    step(i)
secs = time.perf_counter() - t0
print(json.dumps({"trajectory_steps_per_s": n * a.run_steps / secs, "seconds": secs, "run_steps": a.run_steps,
                  "torch": torch.__version__, "threads": torch.get_num_threads()}))
