"""Diagnostic: can the Lesion3D network learn boundaries on an easy task (one click in a sphere of
random size in a flat noisy background)?  python3 -m lesion3d.diagnose_spheres MINUTES

It can: from scratch, Dice 0.83-0.95 on 6 of 8 fixed monitor spheres after 50 steps (runs/diagnose-spheres-log.txt),
with predicted sizes that follow the target's. So stage 2's fixed-size blob comes from the training mixture,
not from the network or the click channel."""
import sys
import time

import numpy as np
import torch

from . import crop as C
from .model import Lesion3D
from .train import dice_hard, loss_fn
torch.set_num_threads(2)
G = 48
ar = torch.arange(G, dtype=torch.float32) + 0.5 - G / 2
zz, yy, xx = torch.meshgrid(ar, ar, ar, indexing='ij')
def sample(rng):
    r = rng.uniform(3, 20)  # voxels
    off = rng.uniform(-0.4, 0.4, 3) * r
    d = torch.sqrt((xx - off[0]) ** 2 + (yy - off[1]) ** 2 + (zz - off[2]) ** 2)
    t = (d < r).float()
    bg, fg = rng.uniform(0.2, 0.8), 0
    fg = bg + rng.choice([-1, 1]) * rng.uniform(0.1, 0.4)
    img = (bg * (1 - t) + fg * t + rng.uniform(0.01, 0.05) * torch.randn(G, G, G)).clamp(0, 1)
    x = torch.stack([img, img, torch.ones(G, G, G), C.click_map([[G / 2 - 0.5] * 3]), torch.zeros(G, G, G), torch.zeros(G, G, G), torch.zeros(G, G, G)])
    return x, t[None]
m = Lesion3D(); opt = torch.optim.AdamW(m.parameters(), lr=2e-3)
rng = np.random.RandomState(0); t0 = time.time(); step = 0
mon = [sample(np.random.RandomState(99 + i)) for i in range(8)]
mx = torch.stack([a for a, _ in mon]); my = torch.stack([b for _, b in mon])
while time.time() - t0 < float(sys.argv[1] if len(sys.argv) > 1 else 5) * 60:
    xs, ys = zip(*[sample(rng) for _ in range(4)])
    loss = loss_fn(m(torch.stack(xs)), torch.stack(ys)); opt.zero_grad(); loss.backward(); opt.step(); step += 1
    if step % 50 == 0:
        with torch.no_grad():
            lg = m(mx); d = dice_hard(lg, my)
        print(step, round((time.time() - t0) / 60, 1), 'loss %.3f' % float(loss), 'dice', [round(float(v), 2) for v in d], 'pred', [int((lg[i] > 0).sum()) for i in range(4)], 'tgt', [int(my[i].sum()) for i in range(4)], flush=True)
