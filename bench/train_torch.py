#!/usr/bin/python3
"""PyTorch baseline for bench_network: the DSM training loop of src/train/dsm_train.cpp written in
PyTorch/Python: the paper's MLP (sinusoidal time embedding, SiLU), VP process (beta 0.1..20),
t ~ U[t_min, T], data from the K = 8 ring, eps-weighted loss, Adam, global-norm clipping, lr
schedule set every step, EMA of the parameters, loss.item() every step (for the loss curve).

Prints one JSON line with the training steps per second (after warm-up steps).
"""
import argparse, json, math, time
import torch

from torch_mlp import Mlp  # the same network as src/nn/mlp.hpp

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=300)
p.add_argument("--warmup-steps", type=int, default=30)
p.add_argument("--batch", type=int, default=256)
p.add_argument("--width", type=int, default=128)
p.add_argument("--hidden", type=int, default=3)
p.add_argument("--embed", type=int, default=32)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

K, R, STD, d = 8, 2.0, 0.1, 2
BMIN, BMAX, TMIN, T = 0.1, 20.0, 1e-3, 1.0
LR, CLIP, EMA = 1e-2, 1.0, 0.999
ang = 2 * math.pi * torch.arange(K, dtype=torch.float64) / K
means = torch.stack([R * torch.cos(ang), R * torch.sin(ang)], 1)

model = Mlp(d, a.width, a.hidden, a.embed)
ema = Mlp(d, a.width, a.hidden, a.embed)
ema.load_state_dict(model.state_dict())
opt = torch.optim.Adam(model.parameters(), lr=LR)
total = a.warmup_steps + a.steps


def train_step(step):
    comp = torch.randint(0, K, (a.batch,))
    x0 = means[comp] + STD * torch.randn(a.batch, d, dtype=torch.float64)
    t = TMIN + (T - TMIN) * torch.rand(a.batch, dtype=torch.float64)
    la = 0.5 * BMIN * t + 0.25 * (BMAX - BMIN) * t * t
    al, sg = torch.exp(-la), torch.sqrt(-torch.expm1(-2 * la))
    eps = torch.randn(a.batch, d, dtype=torch.float64)
    xt = (al[:, None] * x0 + sg[:, None] * eps).float()
    s_t, l_t = sg[:, None].float(), (sg * sg)[:, None].float()
    eps = eps.float()
    opt.zero_grad()
    f = model(xt, t)
    loss = (l_t * (-f / s_t + eps / s_t).pow(2)).sum(1).mean() / d
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
    for g in opt.param_groups:
        g["lr"] = LR * 0.5 * (1 + math.cos(math.pi * step / total))
    opt.step()
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(EMA).add_(pm, alpha=1 - EMA)
    return loss.item()


for s in range(a.warmup_steps):
    train_step(s)
t0 = time.perf_counter()
for s in range(a.warmup_steps, total):
    last = train_step(s)
secs = time.perf_counter() - t0
print(json.dumps({"steps_per_s": a.steps / secs, "seconds": secs, "steps": a.steps, "last_loss": last,
                  "torch": torch.__version__, "threads": torch.get_num_threads()}))
