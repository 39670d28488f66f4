"""RadSAM-style prompt simulation on the crop grid (S x S, torch / numpy).

- positive points away from the contour (inside pixels with distance >= 40-60 % of the maximum)
- negative points in a ring around the object
- boxes: bbox of the target with each side moved outward by U(-5 %, +20 %) of the box side
  (≈ −5…+20 px for a 100 px object)
- noisy mask prompts: rotation, scale, translation, erosion, dilation of the previous (or same)
  slice's mask, given as logits at S/4 (+10 / −10, or soft)
- correction clicks at the centre of the largest false-negative / false-positive region
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage as ndi

S = 128


def point_inside(rng, mask_np, frac_lo=0.4):
    """A pixel (x, y) inside mask away from the contour; pixel-centre coordinates."""
    dt = ndi.distance_transform_edt(mask_np)
    mx = dt.max()
    if mx <= 0:
        return None
    ys, xs = np.nonzero(dt >= frac_lo * mx)
    i = rng.randint(len(xs))
    return float(xs[i]) + 0.5, float(ys[i]) + 0.5


def centre_point(mask_np):
    """The inside pixel farthest from the contour (the 'centre click')."""
    dt = ndi.distance_transform_edt(mask_np)
    if dt.max() <= 0:
        return None
    y, x = np.unravel_index(np.argmax(dt), dt.shape)
    return float(x) + 0.5, float(y) + 0.5


def point_outside(rng, mask_np, near_px=(3, 20)):
    if mask_np.any():
        dt = ndi.distance_transform_edt(~mask_np)
        ys, xs = np.nonzero((dt >= near_px[0]) & (dt <= near_px[1]))
    else:
        ys, xs = np.nonzero(~mask_np)
    if len(xs) == 0:
        return None
    i = rng.randint(len(xs))
    return float(xs[i]) + 0.5, float(ys[i]) + 0.5


def jittered_box(rng, mask_np, size=S):
    ys, xs = np.nonzero(mask_np)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1.0, ys.min(), ys.max() + 1.0
    w, h = x1 - x0, y1 - y0
    x0 -= rng.uniform(-0.05, 0.2) * w
    x1 += rng.uniform(-0.05, 0.2) * w
    y0 -= rng.uniform(-0.05, 0.2) * h
    y1 += rng.uniform(-0.05, 0.2) * h
    x0, y0 = max(0.0, x0), max(0.0, y0)
    x1, y1 = min(float(size), max(x1, x0 + 2)), min(float(size), max(y1, y0 + 2))
    return [(x0, y0, 2.0), (x1, y1, 3.0)]


def perturb_mask(rng, m, strength=1.0):
    """Random rotation / scale / translation about the centroid, then erosion or dilation.
    m: torch [S,S] float {0,1}."""
    if m.sum() < 1:
        return m
    size = m.shape[-1]
    ys, xs = torch.nonzero(m > 0.5, as_tuple=True)
    cy, cx = ys.float().mean() + 0.5, xs.float().mean() + 0.5
    ext = float(max(xs.max() - xs.min() + 1, ys.max() - ys.min() + 1))
    ang = math.radians(rng.uniform(-20, 20) * strength)
    sc = 1.0 + rng.uniform(-0.15, 0.15) * strength
    tx, ty = (rng.uniform(-0.1, 0.1) * ext * strength for _ in range(2))
    ar = torch.arange(size, dtype=torch.float32) + 0.5
    yy, xx = torch.meshgrid(ar, ar, indexing="ij")
    # inverse map: output pixel -> source pixel
    dx, dy = (xx - cx - tx) / sc, (yy - cy - ty) / sc
    c, s = math.cos(-ang), math.sin(-ang)
    sx_, sy_ = cx + c * dx - s * dy, cy + s * dx + c * dy
    grid = torch.stack([sx_ / size * 2 - 1, sy_ / size * 2 - 1], -1)[None]
    out = F.grid_sample(m[None, None], grid, mode="bilinear", align_corners=False)[0, 0]
    out = (out > 0.5).float()
    r = int(round(rng.uniform(-3, 3) * strength))
    if r > 0:
        out = F.max_pool2d(out[None, None], 2 * r + 1, 1, r)[0, 0]
    elif r < 0:
        out = -F.max_pool2d(-out[None, None], -2 * r + 1, 1, -r)[0, 0]
    return out


def mask_to_prompt(rng, m, hard=None):
    """Binary crop mask [S,S] -> low-res logits [S/4,S/4] as the engine builds them."""
    low = F.avg_pool2d(m[None, None], 4)[0, 0]
    if hard is None:
        hard = rng.rand() < 0.6
    if hard:
        return torch.where(low > 0.5, torch.tensor(10.0), torch.tensor(-10.0))
    return low * 20.0 - 10.0


def correction_clicks(rng, target_np, prompt_np, n=1):
    """Clicks at the centre of the largest error region: positive in FN, negative in FP."""
    pts = []
    fn = target_np & ~prompt_np
    fp = prompt_np & ~target_np
    for _ in range(n):
        use_fn = fn.sum() >= fp.sum()
        err = fn if use_fn else fp
        if err.sum() < 3:
            break
        lab, nl = ndi.label(err)
        sizes = ndi.sum(err, lab, range(1, nl + 1))
        big = lab == (int(np.argmax(sizes)) + 1)
        p = centre_point(big)
        if p is None:
            break
        pts.append((p[0], p[1], 1.0 if use_fn else 0.0))
        big_d = ndi.binary_dilation(big, iterations=2)
        if use_fn:
            fn = fn & ~big_d
        else:
            fp = fp & ~big_d
    return pts
