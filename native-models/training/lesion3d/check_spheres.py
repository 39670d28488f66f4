"""Does a checkpoint find object boundaries? One click in spheres of fixed radii (a fraction of the
crop) in a flat noisy background: predicted voxels against the target's, and Dice.

    LESION3D_G=32 python3 -m lesion3d.check_spheres runs/lesion3d-s3/ckpt.pt

A model that learned a size prior instead of boundaries predicts about the same number of voxels
whatever the radius (stage 2: 5300-6000 voxels for targets of 264-94 000 at G = 48)."""
import sys

import numpy as np
import torch

from . import crop as C
from .model import Lesion3D
from .train import dice_hard


def sphere(rng, r_frac, G):
    ar = torch.arange(G, dtype=torch.float32) + 0.5 - G / 2
    zz, yy, xx = torch.meshgrid(ar, ar, ar, indexing="ij")
    r = r_frac * G
    t = (torch.sqrt(xx ** 2 + yy ** 2 + zz ** 2) < r).float()
    bg = 0.45
    fg = bg + (0.25 if rng.rand() < 0.5 else -0.25)
    img = (bg * (1 - t) + fg * t + 0.03 * torch.randn(G, G, G)).clamp(0, 1)
    x = torch.stack([img, img, torch.ones(G, G, G), C.click_map([[G / 2 - 0.5] * 3], G=G),
                     torch.zeros(G, G, G), torch.zeros(G, G, G), torch.zeros(G, G, G)])
    return x, t[None]


def main():
    st = torch.load(sys.argv[1], map_location="cpu")
    G = int(st.get("G", C.G))
    assert G == C.G, f"run with LESION3D_G={G}"
    model = Lesion3D(widths=tuple(st.get("widths", (16, 32, 64, 128))))
    model.load_state_dict(st["model"] if "model" in st else st)
    model.eval()
    rng = np.random.RandomState(7)
    print(f"checkpoint step {st.get('step', '?')}, G = {G}")
    for r_frac in (0.06, 0.1, 0.15, 0.22, 0.3, 0.4):
        x, y = sphere(rng, r_frac, G)
        with torch.no_grad():
            lg = model(x[None])
        print(f"radius {r_frac:.2f} G: target {int(y.sum()):6d} voxels, predicted {int((lg > 0).sum()):6d}, "
              f"Dice {float(dice_hard(lg, y[None])):.3f}", flush=True)


if __name__ == "__main__":
    main()
