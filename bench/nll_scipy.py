#!/usr/bin/python3
"""score_sde-style baseline for bench_network's likelihood benchmark: the NLL of a batch by the
probability-flow ODE as in Song et al.'s score_sde (likelihood.py): the whole batch flattened into
one ODE state [x, l], scipy.integrate.solve_ivp(RK45, rtol, atol) from t_min to T, the score from
the network in PyTorch, the divergence by Hutchinson's estimator with one Rademacher probe per
sample fixed for the solve (one vector-Jacobian product per evaluation).

Process: VE as in Song's tutorial (sigma(t)^2 = (s^(2t) - 1) / (2 ln s), g^2 = s^(2t)), prior
N(0, sigma(T)^2 I). The network: bench/torch_mlp.py with the weights thermodiff wrote (eps-prediction,
s = -eps / sigma(t)); the images: float64 rows thermodiff wrote. Prints one JSON line.
"""
import argparse, json, math, time
import numpy as np
import torch
from scipy import integrate

from torch_mlp import Mlp, load_weights

p = argparse.ArgumentParser()
p.add_argument("--weights", required=True)  # float32: per layer W (out x in, row-major) then b
p.add_argument("--images", required=True)   # float64: n x d, row-major
p.add_argument("--d", type=int, required=True)
p.add_argument("--width", type=int, default=256)
p.add_argument("--hidden", type=int, default=3)
p.add_argument("--embed", type=int, default=32)
p.add_argument("--sigma", type=float, default=25.0)
p.add_argument("--t-min", type=float, default=1e-4)
p.add_argument("--rtol", type=float, default=1e-5)
p.add_argument("--atol", type=float, default=1e-5)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

d = a.d
net = Mlp(d, a.width, a.hidden, a.embed)
load_weights(net, a.weights)
x0 = np.fromfile(a.images, dtype=np.float64).reshape(-1, d)
n = x0.shape[0]
ls = math.log(a.sigma)


def sigma(t): return math.sqrt((a.sigma ** (2 * t) - 1) / (2 * ls))
def g2(t): return a.sigma ** (2 * t)


eps = torch.from_numpy(np.where(np.random.default_rng(1).random((n, d)) < 0.5, -1.0, 1.0)).float()
nfe = [0]


def ode_func(t, y):
    nfe[0] += 1
    x = torch.from_numpy(y[:n * d].reshape(n, d)).float().requires_grad_(True)
    with torch.enable_grad():
        eps_pred = net(x, torch.full((n,), t, dtype=torch.float64))
        drift = 0.5 * g2(t) * eps_pred / sigma(t)  # -g^2/2 s with s = -eps_pred / sigma
        grad = torch.autograd.grad((drift * eps).sum(), x)[0]
    div = (grad * eps).sum(1)
    return np.concatenate([drift.detach().double().numpy().reshape(-1), div.double().numpy()])


t0 = time.perf_counter()
y0 = np.concatenate([x0.reshape(-1), np.zeros(n)])
sol = integrate.solve_ivp(ode_func, (a.t_min, 1.0), y0, rtol=a.rtol, atol=a.atol, method="RK45")
z = sol.y[:n * d, -1].reshape(n, d)
delta = sol.y[n * d:, -1]
vT = sigma(1.0) ** 2
logp = -0.5 * (z * z).sum(1) / vT - 0.5 * d * math.log(2 * math.pi * vT) + delta
secs = time.perf_counter() - t0
print(json.dumps({"samples": n, "seconds": secs, "samples_per_s": n / secs, "nfe": nfe[0],
                  "nll_mean": float(-logp.mean()), "nll_se": float(logp.std(ddof=1) / math.sqrt(n)),
                  "status": int(sol.status)}))
