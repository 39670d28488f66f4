"""Slice inputs for the Voxa encoder and its heads, exactly as the TypeScript task runner makes them
(main/services/tasks/imageInput.ts; the test there compares the two on a real NIfTI).

A volume is reoriented to LPS array axes (axis 0 -> patient left, 1 -> posterior, 2 -> superior), the
orientation Voxa's axial slice plane shows (common/segmentation/slicePlane.ts: crop columns +L, rows +P).

Two inputs:
  whole slice  square field of view max(width*sx, height*sy) mm centred on the slice centre
  lesion crop  square field of view marginFactor x the mask's largest in-plane extent (clamped),
               centred on the mask's bounding box on that slice
Both are resampled bilinearly at crop pixel centres to S x S (positions outside the grid take the
nearest edge value) and normalised: CT clip [-1000, 1000] HU -> [0, 1]; others 0.5/99.5 percentiles of
the crop -> [0, 1].
"""
import os

import nibabel as nib
import numpy as np

S = 96
CT_WINDOW = (-1000.0, 1000.0)
PCT = (0.5, 99.5)
LESION_MARGIN, LESION_FOV_MIN, LESION_FOV_MAX = 2.5, 24.0, 240.0

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.environ.get("VOXA_DATA_DIR", os.path.join(HERE, "..", "..", "..", "..", "shared", "data")))


def load_lps(path):
    """(array [i->L, j->P, k->S] float32, spacing (sx, sy, sz) mm)."""
    img = nib.load(path)
    src = nib.io_orientation(img.affine)
    # nibabel's axis codes name the direction each axis points TO; LPS = L, P, S.
    dst = nib.orientations.axcodes2ornt(("L", "P", "S"))
    tr = nib.orientations.ornt_transform(src, dst)
    data = nib.orientations.apply_orientation(np.asanyarray(img.dataobj).astype(np.float32), tr)
    aff = img.affine @ nib.orientations.inv_ornt_aff(tr, img.shape[:3])
    spacing = tuple(float(v) for v in np.sqrt((aff[:3, :3] ** 2).sum(0)))
    return np.ascontiguousarray(data), spacing


def sample_crop(sl, sx, sy, centre_u, centre_v, fov_mm, size=S):
    """Bilinear sample of slice sl[u, v] (u along axis 0, v along axis 1) at crop pixel centres."""
    w, h = sl.shape
    px = fov_mm / size
    ar = np.arange(size, dtype=np.float64) + 0.5 - size / 2.0
    u = np.clip(centre_u + ar * px / sx, 0, w - 1)
    v = np.clip(centre_v + ar * px / sy, 0, h - 1)
    u0 = np.minimum(np.floor(u).astype(int), max(w - 2, 0))
    v0 = np.minimum(np.floor(v).astype(int), max(h - 2, 0))
    fu = u - u0 if w > 1 else np.zeros_like(u)
    fv = v - v0 if h > 1 else np.zeros_like(v)
    u1 = u0 + 1 if w > 1 else u0
    v1 = v0 + 1 if h > 1 else v0
    # out[y, x]: rows follow v, columns follow u
    U0, V0 = np.meshgrid(u0, v0)
    U1, V1 = np.meshgrid(u1, v1)
    FU, FV = np.meshgrid(fu, fv)
    a, b, c, d = sl[U0, V0], sl[U1, V0], sl[U0, V1], sl[U1, V1]
    return ((a * (1 - FU) + b * FU) * (1 - FV) + (c * (1 - FU) + d * FU) * FV).astype(np.float32)


def normalise(crop, modality):
    crop = np.nan_to_num(crop.astype(np.float32), nan=0.0)
    if modality == "CT":
        lo, hi = CT_WINDOW
    else:
        lo, hi = np.percentile(crop, PCT[0]), np.percentile(crop, PCT[1])
    if not hi > lo:
        return np.zeros_like(crop)
    return np.clip((crop - lo) / (hi - lo), 0, 1).astype(np.float32)


def whole_slice(vol, spacing, k, modality, size=S):
    w, h = vol.shape[0], vol.shape[1]
    fov = max(w * spacing[0], h * spacing[1])
    return normalise(sample_crop(vol[:, :, k], spacing[0], spacing[1], (w - 1) / 2.0, (h - 1) / 2.0, fov, size), modality)


def lesion_crop(vol, mask, spacing, k, modality, size=S):
    """Crop around the mask on slice k (None when the mask is empty there)."""
    m = mask[:, :, k] > 0
    if not m.any():
        return None
    us, vs = np.nonzero(m)
    ext = max((us.max() - us.min() + 1) * spacing[0], (vs.max() - vs.min() + 1) * spacing[1])
    fov = float(np.clip(LESION_MARGIN * ext, LESION_FOV_MIN, LESION_FOV_MAX))
    cu, cv = (us.min() + us.max()) / 2.0, (vs.min() + vs.max()) / 2.0
    return normalise(sample_crop(vol[:, :, k], spacing[0], spacing[1], cu, cv, fov, size), modality)


if __name__ == "__main__":
    # Reference for the TypeScript test: python3 slices.py <nifti> <k> <modality> [mask] -> JSON crop
    import json
    import sys

    vol, sp = load_lps(sys.argv[1])
    k, mod = int(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 4:
        mask, _ = load_lps(sys.argv[4])
        out = lesion_crop(vol, mask, sp, k, mod)
    else:
        out = whole_slice(vol, sp, k, mod)
    print(json.dumps({"shape": list(out.shape), "data": [round(float(x), 6) for x in out.ravel()]}))
