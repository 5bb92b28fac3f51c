#!/usr/bin/python3
"""thermodiff from Python, start to finish (docs/python.md): train a small diffusion model in
PyTorch, export it, and measure it with thermodiff — its TAEP (Ding, Quan & Tu), its NLL with the
thermodynamic bound (Kodama & Hinczewski), its entropy rates, and its speciation time (Biroli et al.),
with a figure. Run from the repository:   /usr/bin/python3 docs/examples/python_example.py [OUT]
(OUT defaults to runs/python-example; THERMODIFF_EXAMPLE_SMALL=1 runs a quick, smaller version).
Its output is in docs/examples/python_example.md."""
import math
import os
import sys

import numpy as np
import torch

import thermodiff as td

OUT = sys.argv[1] if len(sys.argv) > 1 else "runs/python-example"
SMALL = os.environ.get("THERMODIFF_EXAMPLE_SMALL") == "1"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)

# 1. The data and the process: two Gaussians N(+-m 1, s^2 I) in d = 2 (a speciation problem), noised
#    by the Ornstein-Uhlenbeck process dx = -x dt + sqrt(2) dW of the physics papers.
process = {"kind": "ou", "t_min": 0.01, "T": 4.0}
P = td.Process(**process)
data = td.symmetric_pair(2, m=1.5, var=0.1)
x0 = torch.as_tensor(data.sample(P, 0.0, 8192, seed=1, stream="data"), dtype=torch.float32)


# 2. A small eps-prediction network, trained by denoising score matching in PyTorch.
class EpsMlp(torch.nn.Module):
    def __init__(self, d=2, width=64):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(d + 2, width), torch.nn.SiLU(), torch.nn.Linear(width, width),
                                       torch.nn.SiLU(), torch.nn.Linear(width, d))

    def forward(self, x, t):
        lt = torch.log(t).unsqueeze(1)
        return self.net(torch.cat([x, torch.sin(lt), torch.cos(lt)], dim=1))


model = EpsMlp()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
steps = 400 if SMALL else 3000
losses = []
for step in range(steps):
    batch = x0[torch.randint(0, len(x0), (256,))]
    t = torch.exp(torch.empty(256).uniform_(math.log(process["t_min"]), math.log(process["T"])))
    alpha, sigma = torch.exp(-t).unsqueeze(1), torch.sqrt(-torch.expm1(-2 * t)).unsqueeze(1)
    eps = torch.randn_like(batch)
    loss = ((model(alpha * batch + sigma * eps, t) - eps) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(f"trained {steps} steps: DSM loss {np.mean(losses[:50]):.4f} -> {np.mean(losses[-50:]):.4f}")

# 3. Export: the engine's model contract, forward(x[n, d], t[n]) -> eps in the config's process.
#    The export checks the model's convention on samples of its data first (docs/models.md#check).
entry = td.export(model, "eps", os.path.join(OUT, "eps.pt"), process=process, dim=2, name="mlp", data=x0.numpy())
print("exported:", entry)
mine = td.torchscript_score(entry["torchscript"]["file"], "eps", P, 2)
exact = td.exact_score(data, P)

# 4. TAEP: the model against the data's exact score on the same forward paths (nats).
n_traj = 500 if SMALL else 4000
taep = td.taep(P, data, [mine], trajectories=n_traj, seed=1, steps=200, hutchinson_probes=[0])[0]
s = taep["summary"]
print(f"TAEP <Sigma> = {s['mean']:.4f} +- {s['mean_se']:.4f} nats (discretization error {s['mean_dt_error']:+.1e}), "
      f"Var Sigma = {s['var']:.4f}, <e^-Sigma> = {s['ift']:.4f} +- {s['ift_se']:.4f} (IFT: 1)")

# 5. NLL with the bound: the likelihood experiment on the model file, as `thermodiff run` would.
config = {"experiment": "likelihood", "seed": 1, "process": process,
          "data": {"mixture": {"weights": [0.5, 0.5], "means": [[1.5, 1.5], [-1.5, -1.5]], "var": [[0.1, 0.1], [0.1, 0.1]]}},
          "models": [entry],
          "likelihood": {"samples": 64 if SMALL else 512, "hutchinson_probes": 0},
          "entropy_rates": {"nodes": 16 if SMALL else 60, "samples": 200 if SMALL else 1000}}
res = td.run(config, out=os.path.join(OUT, "likelihood"), quiet=True, overwrite=True)
m = res["models"][0]
acc = m["nll"]["accounting"]
print(f"NLL = {m['nll']['mean']:.4f} +- {m['nll']['se']:.4f} nats (prior term {acc['prior_term']['mean']:.3f}, "
      f"divergence term {acc['divergence_term']['mean']:.3f}); exact score's NLL {m['exact']['nll']['mean']:.4f}")
b, be = m["bound"], m["exact"]["bound"]
S0 = -data.log_density(P, data.sample(P, 0.0, 20000, seed=2, stream="test"), 0.0).mean()  # Monte Carlo
print(f"the data's entropy S0 = {S0:.4f} nats (Monte Carlo); the bound read as S0 <= 2 NLL - S1 + int S_fwd dt gives "
      f"{b['S0_upper']:.4f} +- {b['S0_upper_se']:.4f} with the model, {be['S0_upper']:.4f} +- {be['S0_upper_se']:.4f} "
      f"(quadrature error {be['S0_upper_dt_error']:+.3f}) with the exact score; it holds for the plug-in NLL ({m['nll_plugin']['value']:.4f}), not always for "
      f"the model's own NLL (docs/likelihood.md)")

# 6. Entropy rates of the model along the forward process, with the exact score's beside them.
rates = td.entropy_rates(P, mine, data, nodes=16 if SMALL else 40, samples=300 if SMALL else 2000, seed=1, exact=exact)
ref = td.entropy_rates(P, exact, data, nodes=16 if SMALL else 40, samples=300 if SMALL else 2000, seed=1)
print(f"int S_i dt = {rates['intrinsic']['integral']:.3f} +- {rates['intrinsic']['integral_se']:.3f} "
      f"(exact score {ref['intrinsic']['integral']:.3f}); score error 1/4 int g^2 E|s_theta - s|^2 = "
      f"{rates['score_error']['integral']:.4f} nats")

# 7. Speciation: t_S = 1/2 ln Lambda; the model's cloning probability (a copy branched off a reverse
#    path at t ends in the same class) falls from 1 to 1/2 around it, and the variance of the pathwise
#    conditional entropy along the model's own trajectories, V_h, peaks near it.
t_s, lam = td.speciation_time(data)
times = td.grid(P, "log_sigma", 200)
branch = np.geomspace(0.05, 3.0, 8 if SMALL else 14)
clone = td.cloning(data, P, mine, times, branch_times=branch, samples=400 if SMALL else 4000, seed=1)
vh = td.pathwise_entropy_generative(data, P, mine, times, samples=400 if SMALL else 4000, stride=4, seed=1)
print(f"speciation time t_S = {t_s:.4f} (Lambda = {lam:.3f}); the model's V_h peaks at t = {vh['peak_t']:.3f}")
for t, phi, se, th in zip(clone["t"], clone["phi"], clone["phi_se"], clone["theory"]):
    print(f"  cloning at t = {t:.3f}: phi = {phi:.3f} +- {se:.3f} (exact-score theory {th:.3f})")

# 8. The figure.
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, ax = plt.subplots(1, 4, figsize=(17, 3.8))
ax[0].plot(np.convolve(losses, np.ones(50) / 50, mode="valid"))
ax[0].set(title="training (PyTorch)", xlabel="step", ylabel="DSM loss (50-step mean)")
ax[1].hist(taep["sigma"], bins=50, density=True)
ax[1].axvline(s["mean"], color="k", ls="--", label=f"<Σ> = {s['mean']:.3f}")
ax[1].set(title="TAEP per trajectory", xlabel="Σ [nats]", ylabel="density")
ax[1].legend()
for name, r, ls in (("model", rates, "-"), ("exact score", ref, "--")):
    ax[2].plot(r["t"], r["intrinsic"]["value"], ls, color="C0", label=f"Ṡ_i {name}")
    ax[2].plot(r["t"], r["exchange"]["value"], ls, color="C1", label=f"Ṡ_e {name}")
ax[2].set(xscale="log", title="entropy rates", xlabel="t", ylabel="nats / unit t")
ax[2].legend(fontsize=7)
ax[3].errorbar(clone["t"], clone["phi"], yerr=clone["phi_se"], fmt="o", label="cloning φ, model")
ax[3].plot(clone["t"], clone["theory"], "--", label="φ theory (exact score)")
ax[3].plot(vh["t"], vh["var"] / np.nanmax(vh["var"]), label="V_h (scaled), model")
ax[3].axvline(t_s, color="k", ls=":", label=f"t_S = {t_s:.2f}")
ax[3].set(xscale="log", title="speciation", xlabel="t", ylabel="φ(t),  V_h / max")
ax[3].legend(fontsize=7)
fig.tight_layout()
fig.savefig(os.path.join(OUT, "python_example.png"), dpi=90)
print("figure:", os.path.join(OUT, "python_example.png"))
