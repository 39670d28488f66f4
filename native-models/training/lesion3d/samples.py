"""Training samples: a crop (crop.py), its prompt channels and the target, for three prompt modes
as the benchmark uses them: one click, a box on one slice, and a correction (a perturbed mask as
prior, plus a click at the deepest voxel of the largest error component, as the simulated reader)."""
import math

import numpy as np
import torch
from scipy import ndimage as ndi

from . import crop as C
from .synth import paint, shape_scene

G = C.G


def _inside_click(rng, obj):
    inner = obj["interior"]
    return inner[rng.randint(len(inner))].astype(np.float32) + rng.uniform(-0.5, 0.5, 3).astype(np.float32)


# Click crops: the crop side over the object's extent, log-uniform in this range. Below 1 the object is
# larger than the crop (no boundary in sight on some axis: the mask must fill the crop). Stages 2-4 used
# (0.7, 7.0); `train.py --click-ratio 0.3,7` widens it (README, next step 6).
CLICK_RATIO = (0.7, 7.0)
# The same for synthetic lesions painted into background crops (paint's ratio_range).
SYNTH_CLICK_RATIO = (1.1, 7.0)


def _fov_for(rng, extent_mm, mode):
    """The crop side for an object of this extent. A click's crop comes from the field-of-view ladder,
    not from the object's size, so the object's size in the crop varies twelve-fold (from larger than
    the crop to a seventh of it) and the model must find its boundary in the image; a box or a
    correction sets the crop from the prompt's own extent, as the engine does."""
    e = max(extent_mm)
    lo, hi = CLICK_RATIO if mode == "click" else (1.3, 2.6)
    return float(np.clip(e * math.exp(rng.uniform(math.log(lo), math.log(hi))), 16.0, 400.0))


def _crop(vol, centre, fov, label=None):
    coords = C.crop_coords(torch.tensor(centre, dtype=torch.float32), fov, vol.spacing)
    raw = C.sample(vol.t, coords, border=True)[0]
    ones = torch.ones_like(vol.t)
    inside = C.sample(ones, coords, border=False)[0]
    tgt = None
    if label is not None:
        tgt = C.sample(vol.tl[label], coords, border=False)[0] > 0.5
    return raw, inside, tgt, coords


def _deepest(mask):
    edt = ndi.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1, 1:-1]
    return np.array(np.unravel_index(np.argmax(edt), edt.shape)), edt


def _ball(G_, c, r):
    ar = np.arange(G_)
    d2 = (ar[:, None, None] - c[0]) ** 2 + (ar[None, :, None] - c[1]) ** 2 + (ar[None, None, :] - c[2]) ** 2
    return d2 <= r * r


def perturb(rng, t):
    """A plausible wrong mask near the target t (bool [G,G,G])."""
    p = t.copy()
    idx = np.argwhere(t)
    r_obj = max(2.0, (len(idx) * 3 / (4 * math.pi)) ** (1 / 3))
    for _ in range(rng.randint(1, 3)):
        op = rng.randint(6)
        if op == 0:
            p = ndi.binary_dilation(p, iterations=rng.randint(1, 4))
        elif op == 1:
            p = ndi.binary_erosion(p, iterations=rng.randint(1, 3))
        elif op in (2, 3) and p.any():  # overshoot / undershoot along an axis (propagation errors)
            ax = rng.randint(3)
            nz = np.nonzero(p.any(axis=tuple(a for a in range(3) if a != ax)))[0]
            lo, hi = nz.min(), nz.max()
            n = rng.randint(2, max(3, int(0.4 * (hi - lo + 1)) + 1))
            sl = [slice(None)] * 3
            if op == 2:
                end = hi if rng.rand() < 0.5 else lo
                src = np.take(p, end, axis=ax)
                if rng.rand() < 0.5:
                    src = ndi.binary_dilation(src, iterations=rng.randint(1, 3))
                rngs = range(end + 1, min(G, end + 1 + n)) if end == hi else range(max(0, end - n), end)
                for s in rngs:
                    sl[ax] = s
                    p[tuple(sl)] |= src
            else:
                if rng.rand() < 0.5:
                    sl[ax] = slice(hi - n + 1, hi + 1)
                else:
                    sl[ax] = slice(lo, lo + n)
                p[tuple(sl)] = False
        elif op == 4 and len(idx):  # spill into a neighbour
            surf = idx[rng.randint(len(idx))]
            d = rng.randn(3)
            d /= np.linalg.norm(d) + 1e-6
            c = surf + d * r_obj * rng.uniform(0.3, 1.0)
            p |= _ball(G, c, r_obj * rng.uniform(0.25, 0.7))
        elif op == 5 and len(idx):  # a missed part
            c = idx[rng.randint(len(idx))]
            p &= ~_ball(G, c, r_obj * rng.uniform(0.25, 0.6))
    if not p.any():
        p = _ball(G, idx.mean(0), max(1.5, 0.4 * r_obj)) if len(idx) else p
    return p


def correction_clicks(rng, prior, t, n):
    """The simulated reader: deepest voxel of the largest (then next) 3D error component."""
    pos, neg = [], []
    err = prior ^ t
    lab, k = ndi.label(err)
    if k == 0:
        return pos, neg
    sizes = ndi.sum(err, lab, index=np.arange(1, k + 1))
    order = np.argsort(-sizes)
    for c in order[:n]:
        comp = lab == (c + 1)
        v, _ = _deepest(comp)
        if rng.rand() < 0.25:  # not always the deepest voxel: a reader clicks somewhere inside
            cand = np.argwhere(ndi.binary_erosion(comp) if comp.sum() > 30 else comp)
            if len(cand):
                v = cand[rng.randint(len(cand))]
        xyz = [float(v[2]), float(v[1]), float(v[0])]
        (pos if t[tuple(v)] else neg).append(xyz)
    return pos, neg


def box_channel(t, axis, rng=None):
    """The tight box of t on its largest slice along crop axis `axis` (0=k, 1=j, 2=i): channel, slice."""
    areas = t.sum(axis=tuple(a for a in range(3) if a != axis))
    s = int(np.argmax(areas)) if rng is None else int(rng.choice(np.nonzero(areas >= 0.6 * areas.max())[0]))
    sl2 = np.take(t, s, axis=axis)
    ys, xs = np.nonzero(sl2)
    ch = np.zeros_like(t, dtype=np.float32)
    face = np.zeros_like(sl2, dtype=np.float32)
    face[ys.min():ys.max() + 1, xs.min():xs.max() + 1] = 1
    sl = [slice(None)] * 3
    sl[axis] = s
    ch[tuple(sl)] = face
    return ch


MIX = {"tumour": 0.45, "organ": 0.15, "synth": 0.4}
# Stage 4 onward: a fifth of the crops are shape scenes (synth.shape_scene), the boundary task that
# keeps the model from answering every click with a blob of the usual size.
MIX_SHAPES = {"tumour": 0.4, "organ": 0.15, "synth": 0.25, "shape": 0.2}
# Stage 8 (--hosted): synthetic lesions inside an organ (_hosted below), and fewer organ prompts. On the
# tuning phantoms stages 6-7 answered a click in a 1-6 cm liver lesion with the whole liver (Dice ~0):
# organ prompts taught "a click inside the liver is the liver", and no training lesion sat inside an organ.
# (shape and hosted are absolute shares; tumour and organ, as in every mix, shares of what they leave:
# here 0.33 tumour, 0.05 organ, 0.22 synthetic lesions anywhere in the body)
MIX_HOSTED = {"tumour": 0.55, "organ": 0.08, "synth": 0.37, "hosted": 0.2, "shape": 0.2}
# crop side / lesion extent for hosted lesions in click crops: up to 12, so a 1 cm lesion is seen in the
# engine's 96 mm first crop (the synthetic lesions' 7 stops at 14 mm there)
HOSTED_CLICK_RATIO = (1.1, 12.0)
# the smallest hosted lesion painted, in crop voxels (stage 8: 20, as every synthetic lesion; stage 9: 8,
# since the 9-13 mm liver lesions of the tuning phantoms, ~14 voxels of the 96 mm crop, were still lost)
HOSTED_MIN_VOXELS = 20  # train.py --hosted-min-voxels


def make_sample(rng, pools, mix=None, easy=False):
    """One (x [7+1,G,G,G]: the model's channels and the first click alone, y [1,G,G,G], mode) sample, or None to retry. mix: source probabilities
    (tumour, organ, synth); easy: synthetic lesions of high contrast (a curriculum's first phase)."""
    mix = mix or MIX
    r = rng.rand()
    mode = "click" if r < 0.45 else ("box" if r < 0.6 else "correct")
    src = rng.rand()
    shape = mix.get("shape", 0.0)
    if src < shape:
        modality = "CT" if rng.rand() < 0.5 else "MR"
        raw, tgt, cx = shape_scene(rng, modality)
        return _finish(rng, raw, torch.ones_like(raw), tgt, cx, modality, "shape", mode)
    hosted = mix.get("hosted", 0.0)
    if src < shape + hosted:
        return _hosted(rng, pools, mode)
    src = (src - shape - hosted) / max(1e-9, 1.0 - shape - hosted)
    if src < mix["tumour"]:
        vol = pools["tumour"][rng.randint(len(pools["tumour"]))]
        synth = False
    elif src < mix["tumour"] + mix["organ"]:
        vol = pools["organ"][rng.randint(len(pools["organ"]))]
        synth = False
    else:
        vol = pools["background"][rng.randint(len(pools["background"]))]
        synth = True
    if not synth:
        obj = vol.objects[rng.randint(len(vol.objects))]
        click = _inside_click(rng, obj)
        fov = _fov_for(rng, obj["extent_mm"], mode)
        centre = click.copy()
        if mode != "click":
            centre = centre + rng.uniform(-0.15, 0.15, 3) * fov / np.array(vol.spacing)
        raw, inside, tgt, _ = _crop(vol, centre, fov, obj["label"])
        cx = C.to_crop_voxel(click, centre, fov, vol.spacing)
    else:
        use_lung = vol.modality == "CT" and len(vol.lung) and rng.rand() < 0.45
        pts = vol.lung if use_lung else vol.body
        centre = pts[rng.randint(len(pts))].astype(np.float32)
        fov = float(math.exp(rng.uniform(math.log(18), math.log(260))))
        raw, inside, _, coords = _crop(vol, centre, fov)
        lung = C.sample(vol.lung_mask, coords, border=False)[0] if use_lung else None
        sk = vol.spacing[2]
        res = paint(rng, raw, inside, fov, vol.modality, lung=lung, slice_mm=sk, ratio_range=SYNTH_CLICK_RATIO if mode == "click" else (1.3, 2.6), easy=easy)
        if res is None:
            return None
        raw, tgt = res
        cx = _painted_click(rng, tgt)
    return _finish(rng, raw, inside, tgt, cx, vol.modality, vol.kind, mode)


def _painted_click(rng, tgt):
    """The click (i, j, k crop voxels) for a painted lesion: the crop centre, or a random lesion voxel
    where the lesion (clipped to a lung or an organ) does not cover the centre."""
    cx = [G / 2 - 0.5] * 3
    if not tgt[int(round(cx[2])), int(round(cx[1])), int(round(cx[0]))]:
        cand = np.argwhere(tgt.numpy())
        v = cand[rng.randint(len(cand))]
        cx = [float(v[2]), float(v[1]), float(v[0])]
    return cx


def _hosted(rng, pools, mode):
    """A synthetic lesion inside an organ of the TotalSegmentator CT (its organ labels), clipped to the
    organ, its contrast against the organ's own intensity; the label is the lesion alone."""
    vol = pools["organ"][0]
    obj = vol.objects[rng.randint(len(vol.objects))]
    centre = obj["interior"][rng.randint(len(obj["interior"]))].astype(np.float32)
    lo, hi = HOSTED_CLICK_RATIO if mode == "click" else (1.3, 2.6)
    # crop side log-uniform from 18 mm to 2.5 x the organ's largest extent x hi/lo (at most 260 mm); paint
    # then draws a lesion of side fov / ratio, clipped to the organ
    ext = float(np.max(obj["extent_mm"]))
    fov = float(math.exp(rng.uniform(math.log(18), math.log(max(24.0, min(260.0, 2.5 * ext * hi / lo))))))
    raw, inside, organ, _ = _crop(vol, centre, fov, obj["label"])
    res = paint(rng, raw, inside, fov, vol.modality, slice_mm=vol.spacing[2],
                ratio_range=(lo, hi), host=organ.float(), min_voxels=HOSTED_MIN_VOXELS)
    if res is None:
        return None
    raw, tgt = res
    cx = _painted_click(rng, tgt)
    return _finish(rng, raw, inside, tgt, cx, vol.modality, "hosted", mode)


def _finish(rng, raw, inside, tgt, cx, modality, kind, mode):
    """Intensity augmentation, normalisation, prompt channels and geometric augmentation."""
    if tgt.sum() < 8:
        return None
    # augment: intensity (before normalisation), flips, axis permutation
    if modality == "CT":
        raw = raw * rng.uniform(0.95, 1.05) + rng.uniform(-15, 15)
    img = C.image_channels(raw, inside, modality)
    if modality != "CT" and rng.rand() < 0.5:
        img = img.clamp(1e-4, 1) ** float(math.exp(rng.uniform(-0.4, 0.4)))
    img = (img + rng.uniform(0, 0.03) * torch.randn_like(img)).clamp(0, 1)
    t = tgt.numpy().astype(bool)
    ins = inside.clone()
    if kind == "tumour" and rng.rand() < 0.5:  # hide where the IBSI crop ends: cut the crop by a random plane
        ax = rng.randint(3)
        nz = np.nonzero(t.any(axis=tuple(a for a in range(3) if a != ax)))[0]
        if rng.rand() < 0.5:
            cut = min(G, int(nz.max()) + 1 + rng.randint(0, 10))
            sl = [slice(None)] * 3; sl[ax] = slice(cut, G)
        else:
            cut = max(0, int(nz.min()) - rng.randint(0, 10))
            sl = [slice(None)] * 3; sl[ax] = slice(0, cut)
        ins[tuple(sl)] = 0
        img[(slice(None),) + tuple(sl)] = img[(slice(None),) + tuple(sl)].mean()
    pos, neg = [cx], []
    prior = np.zeros_like(t)
    box = np.zeros(t.shape, dtype=np.float32)
    if mode == "click" and rng.rand() < 0.2:
        cand = np.argwhere(ndi.binary_erosion(t) if t.sum() > 50 else t)
        if len(cand) == 0:
            cand = np.argwhere(t)
        for _ in range(rng.randint(1, 3)):
            v = cand[rng.randint(len(cand))]
            pos.append([float(v[2]), float(v[1]), float(v[0])])
    elif mode == "box":
        box = box_channel(t, 0, rng)
        pos = [] if rng.rand() < 0.8 else pos
    elif mode == "correct":
        prior = perturb(rng, t)
        p2, n2 = correction_clicks(rng, prior, t, 1 if rng.rand() < 0.6 else 2)
        pos, neg = pos + p2, n2
        if rng.rand() < 0.3:
            box = box_channel(t, 0)
    # the last channel is the first click alone (train.py --loop builds the model's own correction
    # samples from it; batch() splits it off before the model sees x)
    x = torch.cat([img, ins[None], C.click_map(pos)[None], C.click_map(neg)[None],
                   torch.from_numpy(prior.astype(np.float32))[None], torch.from_numpy(box)[None],
                   C.click_map([cx])[None]])
    y = torch.from_numpy(t.astype(np.float32))[None]
    # flips and permutation of the three axes (the model is then orientation-agnostic)
    for a in range(3):
        if rng.rand() < 0.5:
            x, y = x.flip(a + 1), y.flip(a + 1)
    if rng.rand() < 0.35:
        perm = [0] + list(1 + rng.permutation(3))
        x, y = x.permute(*perm).contiguous(), y.permute(*perm).contiguous()
    return x, y, mode
