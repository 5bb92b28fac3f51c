"""The MLP of src/nn/mlp.hpp in PyTorch, shared by the PyTorch baselines of bench_network:
input [x, sin/cos embedding of 1000 t], `hidden` SiLU layers of `width`, output of dimension d.
The embedding is computed in float64 (as thermodiff does) and fed to float32 layers."""
import math
import torch


class Mlp(torch.nn.Module):
    def __init__(self, d, width, hidden, embed):
        super().__init__()
        dims = [d + embed] + [width] * hidden + [d]
        self.layers = torch.nn.ModuleList(torch.nn.Linear(i, o) for i, o in zip(dims[:-1], dims[1:]))
        half = embed // 2
        self.register_buffer("freq", torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half))

    def forward(self, x, t):
        arg = 1000.0 * t.double()[:, None] * self.freq[None, :]
        h = torch.cat([x, torch.sin(arg).float(), torch.cos(arg).float()], 1)
        for i, l in enumerate(self.layers):
            h = l(h)
            if i + 1 < len(self.layers):
                h = torch.nn.functional.silu(h)
        return h


def load_weights(net, path):
    """The weights thermodiff wrote (bench/mlp_files.hpp): per layer W (out x in, row-major) then b,
    float32; frozen."""
    import numpy as np
    w = np.fromfile(path, dtype=np.float32)
    off = 0
    for layer in net.layers:
        for q in (layer.weight, layer.bias):
            k = q.numel()
            q.data.copy_(torch.from_numpy(w[off:off + k].reshape(q.shape)))
            off += k
    assert off == w.size, "weights file does not match the architecture"
    for q in net.parameters():
        q.requires_grad_(False)
