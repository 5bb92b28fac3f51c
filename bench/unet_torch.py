#!/usr/bin/python3
"""PyTorch baseline for bench_unet: the same U-Net as src/nn/unet.cpp (module for module), trained by
denoising score matching (eps prediction, VP process, Adam, clipping, EMA) and its Hutchinson
divergence (one vector-Jacobian product per probe), timed per step / per batch. Prints one JSON line.
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--channels", type=int, default=3)
p.add_argument("--side", type=int, default=16)
p.add_argument("--base", type=int, default=32)
p.add_argument("--mult", type=str, default="1,2")
p.add_argument("--res-blocks", type=int, default=1)
p.add_argument("--attn", type=str, default="8")
p.add_argument("--groups", type=int, default=8)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
mult = [int(x) for x in a.mult.split(",")]
attn = [int(x) for x in a.attn.split(",") if x]


def groups(g, ch):
    g = min(g, ch)
    while ch % g:
        g -= 1
    return g


class ResBlock(nn.Module):
    def __init__(self, i, o, temb):
        super().__init__()
        self.n1, self.n2 = nn.GroupNorm(groups(a.groups, i), i), nn.GroupNorm(groups(a.groups, o), o)
        self.c1, self.c2 = nn.Conv2d(i, o, 3, padding=1), nn.Conv2d(o, o, 3, padding=1)
        self.t = nn.Linear(temb, o)
        self.skip = nn.Conv2d(i, o, 1) if i != o else None

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x))) + self.t(F.silu(emb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class Attn(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.norm, self.qkv, self.proj = nn.GroupNorm(groups(a.groups, ch), ch), nn.Conv2d(ch, 3 * ch, 1), nn.Conv2d(ch, ch, 1)

    def forward(self, x):
        n, c, hh, ww = x.shape
        q = self.qkv(self.norm(x)).reshape(n, 3, c, hh * ww)
        w = torch.softmax(torch.bmm(q[:, 0].transpose(1, 2), q[:, 1]) / math.sqrt(c), -1)
        return x + self.proj(torch.bmm(q[:, 2], w.transpose(1, 2)).reshape(x.shape))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        b, temb = a.base, 4 * a.base
        self.temb1, self.temb2 = nn.Linear(b, temb), nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(a.channels, b, 3, padding=1)
        self.down, self.ds = nn.ModuleList(), nn.ModuleList()
        skips, ch, res = [b], b, a.side
        for i, m in enumerate(mult):
            for _ in range(a.res_blocks):
                self.down.append(nn.ModuleList([ResBlock(ch, b * m, temb), Attn(b * m) if res in attn else nn.Identity()]))
                ch = b * m
                skips.append(ch)
            if i + 1 < len(mult):
                self.ds.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skips.append(ch)
                res //= 2
        self.mid1, self.mid_attn, self.mid2 = ResBlock(ch, ch, temb), Attn(ch), ResBlock(ch, ch, temb)
        self.up, self.us = nn.ModuleList(), nn.ModuleList()
        for i in reversed(range(len(mult))):
            for _ in range(a.res_blocks + 1):
                sk = skips.pop()
                self.up.append(nn.ModuleList([ResBlock(ch + sk, b * mult[i], temb), Attn(b * mult[i]) if res in attn else nn.Identity()]))
                ch = b * mult[i]
            if i > 0:
                self.us.append(nn.Conv2d(ch, ch, 3, padding=1))
                res *= 2
        self.norm_out, self.conv_out = nn.GroupNorm(groups(a.groups, ch), ch), nn.Conv2d(ch, a.channels, 3, padding=1)

    def forward(self, x, t):
        half = a.base // 2
        w = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=x.dtype) / half)
        u = (1000.0 * t)[:, None] * w[None]
        emb = self.temb2(F.silu(self.temb1(torch.cat([torch.sin(u), torch.cos(u)], 1))))
        hs = [self.conv_in(x)]
        h, k = hs[-1], 0
        for i in range(len(mult)):
            for _ in range(a.res_blocks):
                rb, at = self.down[k]
                h = at(rb(h, emb))
                hs.append(h)
                k += 1
            if i + 1 < len(mult):
                h = self.ds[i](h)
                hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb)), emb)
        k, ui = 0, 0
        for i in reversed(range(len(mult))):
            for _ in range(a.res_blocks + 1):
                rb, at = self.up[k]
                h = at(rb(torch.cat([h, hs.pop()], 1), emb))
                k += 1
            if i > 0:
                h = self.us[ui](F.interpolate(h, scale_factor=2, mode="nearest"))
                ui += 1
        return self.conv_out(F.silu(self.norm_out(h)))


net = UNet()
ema = UNet()
ema.load_state_dict(net.state_dict())
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
nparam = sum(q.numel() for q in net.parameters())
B, shape = a.batch, (a.batch, a.channels, a.side, a.side)


def step():
    x0 = torch.randn(shape) * 0.5
    t = 1e-3 + (1 - 1e-3) * torch.rand(B)
    la = 0.05 * t + 0.25 * 19.9 * t * t
    al, sg = torch.exp(-la), torch.sqrt(-torch.expm1(-2 * la))
    eps = torch.randn(shape)
    xt = al[:, None, None, None] * x0 + sg[:, None, None, None] * eps
    opt.zero_grad()
    loss = ((net(xt, t) - eps) ** 2).mean()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), net.parameters()):
            pe.mul_(0.999).add_(pm, alpha=0.001)


step()  # warm-up
t0 = time.perf_counter()
for _ in range(a.steps):
    step()
train_s = (time.perf_counter() - t0) / a.steps


def hutchinson():
    x = torch.randn(shape).requires_grad_(True)
    t = torch.full((B,), 0.3)
    f = ema(x, t)
    v = torch.randint(0, 2, shape).float() * 2 - 1
    g, = torch.autograd.grad((f * v).sum(), x)
    return (g * v).flatten(1).sum(1)


hutchinson()
t0 = time.perf_counter()
for _ in range(a.steps):
    hutchinson()
hutch_s = (time.perf_counter() - t0) / a.steps
print(json.dumps({"parameters": nparam, "train_step_s": train_s, "hutchinson_batch_s": hutch_s}))
