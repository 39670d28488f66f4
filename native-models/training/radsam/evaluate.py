"""Evaluate RadSAM-lite in Python on the validation patients (never trained on) and on spheres.

  /usr/bin/python3 native-models/training/radsam/evaluate.py --weights /tmp/radsam-run/final.pt \
      --json native-models/training/eval_results.json

Protocols (crop rules of docs/model-packs.md, S = 128):
  slice  : every tumour slice gets one positive click at its centre (the inside pixel farthest
           from the contour); FOV 96 mm centred on the click; Dice per slice (mean over slices)
           and the 3D Dice of the stacked per-slice predictions.
  prop   : one centre click on the largest tumour slice (FOV 96 mm), then slice-by-slice
           propagation both ways: the mask of slice k is the (hard ±10 logit) mask prompt of
           slice k±1, FOV = 2.5 x its extent centred on it, no points (one SAM padding point);
           stop when the crop mask has < 4 px or the predicted IoU < 0.5. 3D Dice.
  spheres: synthetic CT volumes with spheres (10-40 mm; hyperdense in soft tissue, hypodense
           in liver-like tissue, solid nodules in lung), partial volume and noise; one click at
           the sphere centre + propagation; 3D Dice.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import prompts as P  # noqa: E402
from model import RadSamLite, load_weights  # noqa: E402

S = D.S
# defaults from the shipped pack, so that the table in MODEL_CARD.md describes what the app runs
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "radsam-lite", "manifest.json")) as _f:
    _post = json.load(_f)["postprocessing"]
MIN_AREA, IOU_STOP = int(_post["minAreaPx"]), float(_post["iouStopThreshold"])


class Predictor:
    def __init__(self, weights, tta=False):
        self.m = RadSamLite()
        self.m.load_state_dict(load_weights(weights))
        self.m.eval()
        self.tta = tta

    def _model(self, img, pc, pl, mi, hm):
        logits, iou = self.m(img, pc, pl, mi, hm)
        if not self.tta:
            return logits, iou
        # left-right flipped crop and prompts; the logits flipped back and averaged
        pcf = pc.clone()
        pcf[..., 0] = torch.where(pl >= 0, S - pc[..., 0], pc[..., 0])
        # a flipped box: the top-left corner takes the mirrored x of the bottom-right one
        tl, br = pl == 2.0, pl == 3.0
        if bool(tl.any()) and bool(br.any()):
            x_tl, x_br = pcf[..., 0][tl].clone(), pcf[..., 0][br].clone()
            pcf[..., 0][tl], pcf[..., 0][br] = x_br, x_tl
        lf, iouf = self.m(img.flip(-1), pcf, pl, mi.flip(-1), hm)
        return (logits + lf.flip(-1)) / 2, (iou + iouf) / 2

    @torch.no_grad()
    def run(self, vol, k, centre, fov, points, prev_mask=None):
        """Segment slice k. points: list of (x, y, label) in crop px. prev_mask: slice-grid bool
        mask used as mask prompt. Returns (slice-grid bool mask, iou, crop-area px)."""
        img = vol.timg[k]
        grid = D.crop_grid(img.shape, (vol.sx, vol.sy), centre, fov)
        crop = D.normalise_crop(D.sample_slice(img, grid), D.sample_slice(torch.ones_like(img), grid), vol.modality)
        pts = list(points) + [(0.0, 0.0, -1.0)]
        pc = torch.tensor([[[p[0], p[1]] for p in pts]], dtype=torch.float32)
        pl = torch.tensor([[p[2] for p in pts]], dtype=torch.float32)
        if prev_mask is not None:
            pm = (D.sample_slice(torch.from_numpy(prev_mask.astype(np.float32)), grid) > 0.5).float()
            mi = P.mask_to_prompt(None, pm, hard=True)[None, None]
            hm = torch.ones(1)
        else:
            mi, hm = torch.zeros(1, 1, S // 4, S // 4), torch.zeros(1)
        logits, iou = self._model(crop[None, None], pc, pl, mi, hm)
        area = int((logits > 0).sum())
        # inverse map: slice pixel -> crop coordinates, bilinear on the logits
        h, w = img.shape
        xs = torch.arange(w, dtype=torch.float32)
        ys = torch.arange(h, dtype=torch.float32)
        yy, xx = torch.meshgrid(ys, xs, indexing="ij")
        u = (xx - centre[0]) * vol.sx / (fov / S) + S / 2.0  # continuous crop coords (edge = 0)
        v = (yy - centre[1]) * vol.sy / (fov / S) + S / 2.0
        g = torch.stack([u / S * 2 - 1, v / S * 2 - 1], -1)[None]
        back = F.grid_sample(logits, g, mode="bilinear", padding_mode="border", align_corners=False)[0, 0]
        inside = (u >= 0) & (u <= S) & (v >= 0) & (v <= S)
        return ((back > 0) & inside).numpy(), float(iou), area


def dice(a, b):
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else 2.0 * (a & b).sum() / s


def click_centre(mask2d):
    p = P.centre_point(mask2d)
    return (p[0] - 0.5, p[1] - 0.5)  # pixel-index coordinates


def eval_slices(pred, vol, gt):
    out = np.zeros_like(gt)
    ds = []
    for k in range(gt.shape[0]):
        if not gt[k].any():
            continue
        c = click_centre(gt[k])
        m, _, _ = pred.run(vol, k, c, D.FOV_DEFAULT, [(S / 2, S / 2, 1.0)])
        out[k] = m
        ds.append(dice(m, gt[k]))
    return float(np.mean(ds)), float(dice(out, gt))


def propagate(pred, vol, k0, click, iou_stop=None, on_step=None):
    """One click on slice k0 then RadSAM propagation; returns the 3D bool mask and timing.
    iou_stop: the predicted-IoU stop (default: --iou-stop / the manifest's); on_step(k, mask, iou)
    sees every propagation step before the stop rules are applied (stop_signals.py)."""
    iou_stop = IOU_STOP if iou_stop is None else iou_stop
    nz = vol.img.shape[0]
    out = np.zeros(vol.img.shape, dtype=bool)
    t0 = time.time()
    m, iou, area = pred.run(vol, k0, click, D.FOV_DEFAULT, [(S / 2, S / 2, 1.0)])
    n = 1
    if area < MIN_AREA:
        return out, n, time.time() - t0
    out[k0] = m
    for step in (-1, 1):
        prev, k = m, k0 + step
        while 0 <= k < nz and prev.any():
            fov, centre = D.extent_fov(prev, vol.sx, vol.sy)
            cur, iou, area = pred.run(vol, k, centre, fov, [], prev_mask=prev)
            n += 1
            if on_step is not None:
                on_step(k, cur, iou)
            if area < MIN_AREA or iou < iou_stop:
                break
            out[k] = cur
            prev, k = cur, k + step
    return out, n, time.time() - t0


def eval_prop(pred, vol, gt):
    areas = gt.sum(axis=(1, 2))
    k0 = int(np.argmax(areas))
    out, n, dt = propagate(pred, vol, k0, click_centre(gt[k0]))
    ks = np.nonzero(out.any(axis=(1, 2)))[0]
    return float(dice(out, gt)), n, dt, (int(ks.min()), int(ks.max())) if len(ks) else None


# ----------------------------------------------------------------------------- spheres

def sphere_volume(diam, bg_hu, les_hu, spacing, noise_hu, seed, size_mm=(120, 120, 80)):
    rng = np.random.RandomState(seed)
    sx, sy, sz = spacing
    nx, ny, nz = (int(round(size_mm[0] / sx)), int(round(size_mm[1] / sy)), int(round(size_mm[2] / sz)))
    # supersampled partial volume (3 x 3 x 3 sub-samples per voxel)
    sub = (np.arange(3) - 1) / 3.0
    cx, cy, cz = nx * sx / 2 + 0.3, ny * sy / 2 - 0.2, nz * sz / 2 + 0.1
    xi = (np.arange(nx)[:, None] + sub[None, :]).ravel() * sx
    yi = (np.arange(ny)[:, None] + sub[None, :]).ravel() * sy
    zi = (np.arange(nz)[:, None] + sub[None, :]).ravel() * sz
    r = diam / 2
    inside = ((xi[:, None, None] - cx) ** 2 + (yi[None, :, None] - cy) ** 2 + (zi[None, None, :] - cz) ** 2) <= r * r
    frac = inside.reshape(nx, 3, ny, 3, nz, 3).mean(axis=(1, 3, 5))
    x = np.arange(nx) * sx
    y = np.arange(ny) * sy
    z = np.arange(nz) * sz
    gt = ((x[:, None, None] - cx) ** 2 + (y[None, :, None] - cy) ** 2 + (z[None, None, :] - cz) ** 2) <= r * r
    img = bg_hu + frac * (les_hu - bg_hu) + rng.randn(nx, ny, nz) * noise_hu
    vol = D.Volume("sphere", img.astype(np.float32), gt.astype(np.int16), (sx, sy, sz), "CT", "tumour")
    centre_k = int(round(cz / sz - 0.5))
    centre_px = (cx / sx - 0.5, cy / sy - 0.5)
    return vol, np.transpose(gt, (2, 1, 0)), centre_k, centre_px


def eval_spheres(pred):
    rows = []
    for spacing in ((0.8, 0.8, 2.5), (2.0, 2.0, 2.5)):
        for (name, bg, les) in (("hyper in soft tissue", 40, 110), ("hypo in liver", 60, 10), ("nodule in lung", -850, 30)):
            for diam in (10, 15, 20, 30, 40):
                vol, gt, k0, c = sphere_volume(diam, bg, les, spacing, 12.0, seed=diam)
                out, n, dt = propagate(pred, vol, k0, c)
                rows.append({"spacing": list(spacing), "kind": name, "diamMm": diam,
                             "dice3d": round(float(dice(out, gt)), 4), "slicesRun": n})
    return rows


def main():
    global IOU_STOP
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="/tmp/radsam-run/final.pt")
    ap.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval_results.json"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="two volumes, no spheres (smoke test)")
    ap.add_argument("--iou-stop", type=float, default=IOU_STOP, help="propagation stops below this predicted IoU")
    ap.add_argument("--spheres-only", action="store_true", help="only the synthetic spheres (for choosing --iou-stop without the validation patients)")
    ap.add_argument("--set", choices=("val", "train"), default="val", help="train: the training patients (diagnostics and choices that must not look at validation); no JSON written")
    ap.add_argument("--tta", action="store_true", help="average each step with its left-right flipped crop")
    args = ap.parse_args()
    IOU_STOP = args.iou_stop
    torch.set_num_threads(args.threads)
    pred = Predictor(args.weights, args.tta)
    split = D.load_split()
    if args.spheres_only:
        sph = eval_spheres(pred)
        print(f"iou-stop {IOU_STOP}: spheres mean Dice {np.mean([r['dice3d'] for r in sph]):.4f}, "
              f"min {np.min([r['dice3d'] for r in sph]):.4f}, mean slices run {np.mean([r['slicesRun'] for r in sph]):.1f}")
        return
    pats = split[args.set]
    vols = D.load_ibsi(pats[:1] if args.quick else pats)
    rows = []
    for v in vols:
        gt = v.mask > 0
        sd, sd3 = eval_slices(pred, v, gt)
        pd3, n, dt, span = eval_prop(pred, v, gt)
        gks = np.nonzero(gt.any(axis=(1, 2)))[0]
        row = {"volume": v.name, "modality": v.modality, "tumourSlices": int(len(gks)),
               "sliceDiceMean": round(sd, 4), "sliceStack3dDice": round(sd3, 4),
               "propagation3dDice": round(pd3, 4), "propSlicesRun": n, "propSeconds": round(dt, 3),
               "propSpan": span, "gtSpan": [int(gks.min()), int(gks.max())]}
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {}
    for mod in ("CT", "MR", "all"):
        rs = [r for r in rows if mod == "all" or r["modality"] == mod]
        summary[mod] = {k: round(float(np.mean([r[k] for r in rs])), 4)
                        for k in ("sliceDiceMean", "sliceStack3dDice", "propagation3dDice")}
        summary[mod]["n"] = len(rs)
    print(json.dumps(summary, indent=1))
    if args.quick or args.set != "val":
        return
    sph = eval_spheres(pred)
    for r in sph:
        print(json.dumps(r))
    ge10 = [r["dice3d"] for r in sph]
    print("spheres mean Dice", np.mean(ge10), "min", np.min(ge10))
    with open(args.json, "w") as f:
        json.dump({"validationPatients": split["val"], "ibsi": rows, "summary": summary, "spheres": sph,
                   "spheresMeanDice": round(float(np.mean(ge10)), 4)}, f, indent=1)


if __name__ == "__main__":
    main()
