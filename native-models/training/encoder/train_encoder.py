"""Self-supervised Voxa encoder (contrastive, SimCLR-style) on unlabelled axial slices, CPU-sized.

  /usr/bin/python3 native-models/training/encoder/train_encoder.py --steps 400 --out /tmp/voxa-enc
  (phantoms first: npx tsx native-models/training/encoder/writePhantoms.ts /tmp/voxa-enc-cache/phantoms 1 24)

Data (licences in MODEL_CARD.md; BraTS and share-alike sets are never used): whole axial slices of
  training/ibsi_sts   CT and MR T1 of the TRAINING patients of ../split.json only (CC BY 3.0)
  ct_nifti_totalseg_example  example_ct (CT) and example_mr_sm (MR) (Apache-2.0)
  ct_nifti_rotated_pitch     head CT (BSD-2)
  brain_mri_stroke_lesion_cstar  T1, T2, FLAIR (MIT / BSD-2)
  nifti_orientation_48       one ICBM-derived brain MR (BSD-2)
  Voxa torso phantoms (seeds < 1000), CT, with and without lesions
plus lesion crops (mask-centred, as the runner's --mask input) of IBSI training tumours and phantom lesions.

Two augmented views of a slice (affine jitter, flips, gamma/contrast, blur, noise) are pulled together,
other slices pushed apart (NT-Xent, temperature 0.2). The encoder's output (before the projection head)
is the embedding: 128 floats. Exported to ONNX with a dynamic batch.
"""
import argparse
import glob
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import slices as SL  # noqa: E402

EMBED_DIM = 128


class Encoder(nn.Module):
    """Small CNN: 96 -> 48 -> 24 -> 12 -> 6, then mean and max pooling (max keeps small bright findings)."""

    def __init__(self, dim=EMBED_DIM):
        super().__init__()
        def block(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
        self.features = nn.Sequential(block(1, 16), block(16, 32), block(32, 64), block(64, 128))
        self.fc = nn.Linear(256, dim)

    def forward(self, x):
        f = self.features(x)
        pooled = torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], 1)
        return self.fc(pooled)


def collect_slices(phantom_dir, split_path):
    """All training inputs as float32 [N, 96, 96] plus a source tag per slice."""
    D = SL.DATA
    split = json.load(open(split_path))
    out, tags = [], []

    def add_volume(path, modality, tag, step=1, mask_path=None):
        vol, sp = SL.load_lps(path)
        mask = SL.load_lps(mask_path)[0] if mask_path else None
        for k in range(0, vol.shape[2], step):
            sl = vol[:, :, k]
            if np.ptp(sl) <= 0:
                continue
            out.append(SL.whole_slice(vol, sp, k, modality)); tags.append(tag)
            if mask is not None and (mask[:, :, k] > 0).sum() >= 6:
                out.append(SL.lesion_crop(vol, mask, sp, k, modality)); tags.append(tag + ":lesion")

    for p in split["train"]:
        for stem, mod in (("CT", "CT"), ("MR_T1", "MR")):
            ip = os.path.join(D, "training", "ibsi_sts", p, f"{stem}_image.nii.gz")
            if os.path.exists(ip):
                add_volume(ip, mod, f"ibsi-{mod}", 1, ip.replace("_image", "_mask"))
    ts = os.path.join(D, "ct_nifti_totalseg_example")
    add_volume(os.path.join(ts, "example_ct.nii.gz"), "CT", "totalseg-CT")
    add_volume(os.path.join(ts, "example_mr_sm.nii.gz"), "MR", "totalseg-MR")
    add_volume(os.path.join(D, "ct_nifti_rotated_pitch", "CT_pitch.nii.gz"), "MR", "headct-uint8")  # uint8-rescaled: Voxa reads it as MR (percentile rule)
    for s in ("T1", "T2", "FLAIR"):
        add_volume(os.path.join(D, "brain_mri_stroke_lesion_cstar", f"{s}.nii.gz"), "MR", "brain-MR", 2)
    add_volume(os.path.join(D, "nifti_orientation_48", "LPS.nii.gz"), "MR", "icbm-MR")
    for f in sorted(glob.glob(os.path.join(phantom_dir, "phantom_*_ct.nii.gz"))):
        add_volume(f, "CT", "phantom", 1, f.replace("_ct.nii.gz", "_mask.nii.gz"))
    return np.stack(out).astype(np.float32), tags


def augment(x, g):
    """Two-view augmentation on a batch [B,1,S,S] in [0,1]."""
    b = x.shape[0]
    ang = (torch.rand(b, generator=g) - 0.5) * (np.pi / 6)
    scale = 0.85 + 0.3 * torch.rand(b, generator=g)
    flip = torch.where(torch.rand(b, generator=g) < 0.5, -1.0, 1.0)
    tx, ty = (torch.rand(b, generator=g) - 0.5) * 0.16, (torch.rand(b, generator=g) - 0.5) * 0.16
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    y = F.grid_sample(x, grid, padding_mode="border", align_corners=False)
    gamma = torch.exp((torch.rand(b, 1, 1, 1, generator=g) - 0.5) * 0.7)
    y = y.clamp(0, 1) ** gamma
    y = y * (0.8 + 0.4 * torch.rand(b, 1, 1, 1, generator=g)) + (torch.rand(b, 1, 1, 1, generator=g) - 0.5) * 0.2
    blur = torch.rand(b, generator=g) < 0.3
    if blur.any():
        k = torch.tensor([1.0, 2.0, 1.0]); k = (k[:, None] * k[None, :]) / 16
        y[blur] = F.conv2d(F.pad(y[blur], (1, 1, 1, 1), mode="replicate"), k.view(1, 1, 3, 3))
    y = y + torch.randn(y.shape, generator=g) * (0.03 * torch.rand(b, 1, 1, 1, generator=g))
    return y.clamp(0, 1)


def nt_xent(z1, z2, t=0.2):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / t
    n = z1.shape[0]
    sim.fill_diagonal_(-1e9)
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--phantoms", default="/tmp/voxa-enc-cache/phantoms")
    ap.add_argument("--out", default="/tmp/voxa-enc")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    cache = os.path.join(a.out, "slices.npz")
    if os.path.exists(cache):
        z = np.load(cache, allow_pickle=True); X, tags = z["X"], list(z["tags"])
    else:
        X, tags = collect_slices(a.phantoms, os.path.join(HERE, "..", "split.json"))
        np.savez_compressed(cache, X=X, tags=np.array(tags))
    counts = {t: tags.count(t) for t in sorted(set(tags))}
    print("slices", X.shape, counts, flush=True)
    # balance sources: sample each source group with equal total weight, lesion crops and whole slices alike
    tag_arr = np.array(tags)
    w = np.array([1.0 / counts[t] for t in tags]); w /= w.sum()
    Xt = torch.from_numpy(X)[:, None]
    enc = Encoder()
    proj = nn.Sequential(nn.Linear(EMBED_DIM, 128), nn.ReLU(), nn.Linear(128, 64))
    params = list(enc.parameters()) + list(proj.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.steps, pct_start=0.1)
    g = torch.Generator().manual_seed(1)
    rng = np.random.RandomState(2)
    t0 = time.time()
    log = []
    for step in range(a.steps):
        idx = rng.choice(len(X), size=a.batch, replace=False, p=w)
        xb = Xt[idx]
        v1, v2 = augment(xb, g), augment(xb, g)
        loss = nt_xent(proj(enc(v1)), proj(enc(v2)))
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if step % 20 == 0 or step == a.steps - 1:
            log.append((step, float(loss)))
            print(f"step {step} loss {float(loss):.3f} {time.time() - t0:.0f}s", flush=True)
    torch.save({"encoder": enc.state_dict(), "log": log, "counts": counts, "steps": a.steps, "batch": a.batch}, os.path.join(a.out, "encoder.pt"))
    print("done", time.time() - t0, flush=True)


if __name__ == "__main__":
    main()
