"""Baselines for bench_nearest: exact 2 nearest neighbours of `queries` rows among `refs` rows
(float64, random normals), by numpy (|q|^2 + |r|^2 - 2 q.r in blocks of 4096 references, then
argpartition) and by PyTorch (torch.cdist + topk, the usual idiom). Best of two runs after a warm-up
each. Prints one JSON object."""
import json
import sys
import time

import numpy as np

queries, refs, dim, threads = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(1)
Q, R = rng.normal(size=(queries, dim)), rng.normal(size=(refs, dim))


def numpy_knn():
    qn, rn = (Q * Q).sum(1), (R * R).sum(1)
    best = np.full((queries, 2), np.inf)
    idx = np.zeros((queries, 2), dtype=np.int64)
    for r0 in range(0, refs, 4096):
        d = qn[:, None] + rn[None, r0:r0 + 4096] - 2 * Q @ R[r0:r0 + 4096].T
        cand = np.concatenate([best, d], 1)
        cidx = np.concatenate([idx, np.arange(r0, r0 + d.shape[1])[None, :].repeat(queries, 0)], 1)
        part = np.argpartition(cand, 1, axis=1)[:, :2]
        best, idx = np.take_along_axis(cand, part, 1), np.take_along_axis(cidx, part, 1)
    return idx


def best_of_two(f):
    f()
    t = []
    for _ in range(2):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t)


out = {"numpy_s": best_of_two(numpy_knn)}
try:
    import torch
    torch.set_num_threads(threads)
    tq, tr = torch.from_numpy(Q), torch.from_numpy(R)
    out["torch_s"] = best_of_two(lambda: torch.cdist(tq, tr).topk(2, dim=1, largest=False))
except ImportError:
    out["torch_s"] = None
print(json.dumps(out))
