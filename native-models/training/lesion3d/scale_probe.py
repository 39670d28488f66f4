"""How does one click behave across fields of view? For each image + mask pair of a folder
(DIR/CASE/image.nii.gz + mask.nii.gz, the layout of `npm run bench:segment -- --pairs DIR`), one
click at the mask's deepest voxel, one forward pass per field of view, and per pass: the click
component's Dice against the whole reference (its voxels outside the crop count as missed), its
size, whether it reaches the crop border, and confidence features a scale rule could use.

    LESION3D_G=32 python3 -m lesion3d.scale_probe CKPT DIR [DIR ...] > probe.jsonl

A diagnostic for choosing the click's scale rule on tuning data (never on validation)."""
import json
import os
import sys

import nibabel as nib
import numpy as np
import torch
from scipy import ndimage as ndi

from . import crop as C
from .model import Lesion3D

FOVS = (32.0, 48.0, 64.0, 96.0, 128.0, 192.0, 256.0)


def load_case(d):
    img = nib.load(os.path.join(d, "image.nii.gz"))
    msk = nib.load(os.path.join(d, "mask.nii.gz"))
    a = np.asarray(img.dataobj, dtype=np.float32)
    m = np.asarray(msk.dataobj) > 0
    sp = [float(z) for z in img.header.get_zooms()[:3]]
    flat = a.ravel()
    modality = "CT" if (flat[:: max(1, flat.size // 20000)] < -500).mean() > 0.05 else "MR"  # niftiReader.guessModality
    return a, m, sp, modality


def probe(model, a, m, sp, modality):
    t = torch.from_numpy(np.ascontiguousarray(a.transpose(2, 1, 0)))[None, None]
    ones = torch.ones_like(t)
    edt = ndi.distance_transform_edt(np.pad(m, 1), sampling=sp)[1:-1, 1:-1, 1:-1]
    ijk = [float(v) for v in np.unravel_index(np.argmax(edt), edt.shape)]
    ref_mm3 = float(m.sum()) * sp[0] * sp[1] * sp[2]
    mt = torch.from_numpy(m.transpose(2, 1, 0).astype(np.float32))[None, None]
    rows = []
    G = C.G
    for fov in FOVS:
        coords = C.crop_coords(torch.tensor(ijk), fov, sp)
        raw = C.sample(t, coords, border=True)[0]
        inside = C.sample(ones, coords, border=False)[0]
        tgt = (C.sample(mt, coords, border=False)[0] > 0.5).numpy()
        img = C.image_channels(raw, inside, modality)
        cx = C.to_crop_voxel(ijk, ijk, fov, sp)
        x = torch.cat([img, inside[None], C.click_map([cx])[None], torch.zeros(3, G, G, G)])
        with torch.no_grad():
            lg = model(x[None])[0, 0].numpy()
        bits = lg > 0
        lab, _ = ndi.label(bits)
        s = lab[G // 2, G // 2, G // 2]
        comp = lab == s if s > 0 else np.zeros_like(bits)
        vox_mm3 = (fov / G) ** 3
        ref_in_crop = ref_mm3 / vox_mm3
        inter = float((comp & tgt).sum())
        dice = 2 * inter / max(1.0, comp.sum() + ref_in_crop)
        ins = inside.numpy() > 0.5
        border = np.zeros_like(comp)
        border[[0, -1], :, :] = border[:, [0, -1], :] = border[:, :, [0, -1]] = True
        border |= ~ndi.binary_erosion(ins, iterations=1)
        p = 1 / (1 + np.exp(-lg))
        shell = ndi.binary_dilation(comp, iterations=1) & ~ndi.binary_erosion(comp, iterations=1)
        rows.append({
            "fov": fov, "dice": round(dice, 3), "voxels": int(comp.sum()),
            "extent_mm": round(float(max((np.nonzero(comp.any(axis=tuple(b for b in range(3) if b != a2)))[0].ptp() + 1)
                                        if comp.any() else 0 for a2 in range(3))) * fov / G, 1),
            "border": int((comp & border).sum()),
            "mean_p": round(float(p[comp].mean()) if comp.any() else 0.0, 3),
            "mean_logit": round(float(lg[comp].mean()) if comp.any() else 0.0, 2),
            "shell_p": round(float(np.abs(p[shell] - 0.5).mean()) if shell.any() else 0.0, 3),
            "fill": round(float(comp.sum()) / G ** 3, 4),
        })
    ext = max((np.nonzero(m.any(axis=tuple(b for b in range(3) if b != a2)))[0].ptp() + 1) * sp[a2] for a2 in range(3))
    return {"ref_extent_mm": round(float(ext), 1), "rows": rows}


def main():
    st = torch.load(sys.argv[1], map_location="cpu")
    assert int(st.get("G", C.G)) == C.G, "run with the checkpoint's LESION3D_G"
    model = Lesion3D(widths=tuple(st.get("widths", (16, 32, 64, 128))))
    model.load_state_dict(st["model"] if "model" in st else st)
    model.float().eval()
    torch.set_num_threads(1)
    for root in sys.argv[2:]:
        for name in sorted(os.listdir(root)):
            a, m, sp, modality = load_case(os.path.join(root, name))
            r = probe(model, a, m, sp, modality)
            print(json.dumps({"case": name, "set": os.path.basename(root.rstrip("/")), "modality": modality, **r}), flush=True)


if __name__ == "__main__":
    main()
