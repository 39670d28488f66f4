"""Synthetic 3D lesions painted into a raw-intensity crop (HU for CT): lobulated ellipsoids with
smooth or infiltrative margins, homogeneous, ring-enhancing with a necrotic core, or with an
oedema halo (MR, part of the label as in BraTS' whole tumour); juxtapleural nodules in lung are
clipped to the lung (the chest-wall part is invisible, so it is not labelled)."""
import math

import numpy as np
import torch
import torch.nn.functional as F

from .crop import G


def _rotation(rng):
    q = rng.randn(4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array([[a*a+b*b-c*c-d*d, 2*(b*c-a*d), 2*(b*d+a*c)],
                     [2*(b*c+a*d), a*a-b*b+c*c-d*d, 2*(c*d-a*b)],
                     [2*(b*d-a*c), 2*(c*d+a*b), a*a-b*b-c*c+d*d]], dtype=np.float32)


def _noise(rng, n, G=G):
    t = torch.from_numpy(rng.randn(1, 1, n, n, n).astype(np.float32))
    return F.interpolate(t, size=(G, G, G), mode="trilinear", align_corners=False)[0, 0]


def paint(rng, raw, inside, fov, modality, lung=None, slice_mm=None, ratio_range=(1.1, 7.0), easy=False, host=None, min_voxels=20):
    """raw, inside: [G(k), G(j), G(i)]. Returns (raw', label) or None. The lesion contains the crop
    centre (where the click is), not necessarily at its own centre. easy: a curriculum's first objects
    (high contrast, sharp margins, homogeneous, little noise). host: an organ's mask in the crop; the
    lesion is clipped to it (a lesion inside the liver, a kidney...), its contrast set against the organ.
    min_voxels: smaller lesions are not painted (None)."""
    vox = fov / G
    ratio = math.exp(rng.uniform(math.log(ratio_range[0]), math.log(ratio_range[1])))
    rmax = fov / ratio / 2.0
    radii = np.array([rmax, rmax * rng.uniform(0.55, 1.0), rmax * rng.uniform(0.5, 1.0)], dtype=np.float32)
    rng.shuffle(radii)
    R = _rotation(rng)
    ar = (torch.arange(G, dtype=torch.float32) + 0.5 - G / 2.0) * vox
    zz, yy, xx = torch.meshgrid(ar, ar, ar, indexing="ij")
    off = rng.uniform(-0.35, 0.35, 3).astype(np.float32) * radii.min()
    pts = torch.stack([xx - float(off[0]), yy - float(off[1]), zz - float(off[2])], -1)  # mm from lesion centre
    loc = pts @ torch.from_numpy(R)
    q = torch.sqrt(((loc / torch.from_numpy(radii)) ** 2).sum(-1))
    amp = rng.uniform(0.0, 0.3)
    shape = 1 + amp * _noise(rng, rng.randint(3, 6))
    if rng.rand() < 0.3:  # infiltrative / spiculated-ish margin: higher-frequency roughness
        shape = shape + rng.uniform(0.03, 0.12) * _noise(rng, rng.randint(8, 14))
    rmean = float(radii.mean())
    sd = (q - shape) * rmean  # ~mm, negative inside
    infil = rng.rand() < 0.25 and not easy
    pv = rng.uniform(0.3, 1.0) * vox + (rng.uniform(1.0, 4.0) if infil else 0.0)
    alpha = torch.sigmoid(-sd / pv)
    label = sd < 0
    if slice_mm is not None and slice_mm > vox:  # partial volume across the acquired slices (k axis)
        s = 0.4 * slice_mm / vox
        r = int(min(6, math.ceil(2.5 * s)))
        k = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * s * s))
        k = (k / k.sum()).view(1, 1, -1, 1, 1)
        alpha = F.conv3d(alpha[None, None], k, padding=(r, 0, 0))[0, 0]
    if lung is not None:
        alpha = alpha * lung
        label = label & (lung > 0.5)
    if host is not None:
        alpha = alpha * host
        label = label & (host > 0.5)
    label = label & (inside > 0.5)
    if label.sum() < min_voxels:
        return None
    bgv = raw[label]
    bg = float(bgv.median())
    if modality == "CT":
        scale = 1.0
        if lung is not None:
            base = rng.uniform(-120, 80)
        else:
            base = bg + (1 if rng.rand() < 0.45 else -1) * (rng.uniform(60, 200) if easy else rng.uniform(12, 90))
        noise_sd = rng.uniform(0, 6 if easy else 18)
    else:
        lo, hi = np.percentile(raw[inside > 0.5].numpy(), [0.5, 99.5]) if (inside > 0.5).sum() > 16 else (0, 1)
        scale = float(hi - lo) or 1.0
        base = bg + (1 if rng.rand() < 0.6 else -1) * (rng.uniform(0.35, 0.8) if easy else rng.uniform(0.1, 0.6)) * scale
        noise_sd = rng.uniform(0, 0.02 if easy else 0.05) * scale
    les = torch.full_like(raw, base)
    rn = (q / shape).clamp(0, 2)
    kind = 1.0 if easy else rng.rand()
    if kind < 0.22:  # ring-enhancing with necrotic core
        rim = torch.exp(-((rn - rng.uniform(0.78, 0.92)) ** 2) / (2 * rng.uniform(0.05, 0.12) ** 2))
        core = torch.sigmoid((rng.uniform(0.4, 0.75) - rn) / 0.06)
        les = les + rng.uniform(0.25, 0.8) * abs(base - bg + 1e-3) * rim * np.sign(base - bg + 1e-6) \
            - rng.uniform(0.3, 1.2) * abs(base - bg) * core * np.sign(base - bg + 1e-6) + rng.uniform(0.1, 0.4) * scale * (40 if modality == "CT" else 1) * rim * (1 if modality != "CT" else 0.5)
    elif kind < 0.35:  # necrotic / cystic core
        core = torch.sigmoid((rng.uniform(0.3, 0.7) - rn) / 0.07)
        les = les - rng.uniform(0.2, 0.8) * abs(base - bg) * core * np.sign(base - bg + 1e-6)
    les = les + rng.uniform(0, 0.1 if easy else 0.35) * abs(base - bg) * _noise(rng, rng.randint(4, 10))
    out = raw * (1 - alpha) + les * alpha
    if modality != "CT" and lung is None and not easy and rng.rand() < 0.25:  # oedema halo, labelled with the lesion
        halo_w = rng.uniform(0.2, 0.8) * rmean
        hsd = sd - halo_w * (1 + 0.4 * _noise(rng, 4))
        h_alpha = torch.sigmoid(-hsd / max(pv, 1.5 * vox)) * (1 - alpha)
        out = out + h_alpha * rng.uniform(0.12, 0.4) * scale
        label = label | ((hsd < 0) & (inside > 0.5))
    out = out + noise_sd * torch.randn_like(out) * alpha.clamp(0, 1)
    return out, label


def shape_scene(rng, modality, G=G):
    """The sphere diagnostic's task, made varied: one lobulated object in a synthetic background
    (smooth texture and noise, no anatomy), its radius log-uniform over 0.05-0.45 of the crop, sometimes
    with a second object of similar intensity beside it (not labelled: the click says which one).
    Returns (raw [G,G,G] in HU for CT, arbitrary units otherwise, label bool [G,G,G], click (x=i, y=j, z=k))."""
    ar = torch.arange(G, dtype=torch.float32) + 0.5 - G / 2.0
    zz, yy, xx = torch.meshgrid(ar, ar, ar, indexing="ij")
    grid = torch.stack([xx, yy, zz], -1)

    def blob(centre, r):
        radii = np.array([r, r * rng.uniform(0.6, 1.0), r * rng.uniform(0.55, 1.0)], dtype=np.float32)
        rng.shuffle(radii)
        loc = (grid - torch.from_numpy(centre.astype(np.float32))) @ torch.from_numpy(_rotation(rng))
        q = torch.sqrt(((loc / torch.from_numpy(radii)) ** 2).sum(-1))
        shape = 1 + rng.uniform(0.0, 0.25) * _noise(rng, rng.randint(3, 6), G)
        return (q - shape) * float(radii.mean())  # voxels, negative inside

    r = float(math.exp(rng.uniform(math.log(0.05 * G), math.log(0.45 * G))))
    off = rng.uniform(-0.3, 0.3, 3) * r
    sd = blob(off, r)
    if modality == "CT":
        bg, contrast, noise = rng.uniform(-100, 120), rng.uniform(25, 250), rng.uniform(2, 25)
    else:
        bg, contrast, noise = rng.uniform(200, 800), rng.uniform(60, 500), rng.uniform(3, 40)
    sign = 1.0 if rng.rand() < 0.55 else -1.0
    raw = bg + rng.uniform(0, 0.4) * contrast * _noise(rng, rng.randint(2, 6), G)
    alpha = torch.sigmoid(-sd / rng.uniform(0.3, 1.2))
    raw = raw + sign * contrast * alpha * (1 + rng.uniform(0, 0.3) * _noise(rng, rng.randint(3, 8), G))
    if rng.rand() < 0.35:  # a neighbour of similar intensity, separated by a gap of 1-4 voxels
        d = rng.randn(3)
        d /= np.linalg.norm(d) + 1e-6
        r2 = r * rng.uniform(0.4, 1.2)
        c2 = off + d * (r + r2 + rng.uniform(1.0, 4.0))
        a2 = torch.sigmoid(-blob(c2, r2) / 0.6) * (sd > 1.0).float()
        raw = raw + sign * contrast * rng.uniform(0.7, 1.2) * a2
    raw = raw + noise * torch.randn(G, G, G)
    label = sd < 0
    c = G // 2 - 1 if G % 2 == 0 else G // 2  # the crop voxel nearest the centre, where the engine clicks
    if label[c, c, c]:
        return raw, label, [G / 2.0 - 0.5] * 3
    inner = torch.nonzero(sd < -min(1.5, 0.4 * r))
    if len(inner) == 0:
        inner = torch.nonzero(label)
    v = inner[rng.randint(len(inner))].numpy()
    return raw, label, [float(v[2]), float(v[1]), float(v[0])]
