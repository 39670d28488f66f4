"""Train Lesion3D on CPU, resumably: python3 -m lesion3d.train --minutes 80 [--out runs/lesion3d]
    [--curriculum] [--widths 16,32,64,128]     (crop side: LESION3D_G=32 in the environment)

The learning rate follows a cosine over the time budget (elapsed time is kept in the checkpoint, so a
resumed run continues the same schedule). The log holds the training loss and a fixed monitor set
drawn from the *training* pools with a fixed seed: the validation patients are never loaded here."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data as D
from .model import Lesion3D
from . import samples as S
from .samples import MIX, MIX_HOSTED, MIX_SHAPES, make_sample
from . import crop as C

# --curriculum: by fraction of the time budget, (start, source mix, easy synthetic lesions). First clear
# synthetic objects (the boundary task the sphere diagnostic learns in 50 steps), then the full mixture.
CURRICULUM = ((0.0, {"tumour": 0.0, "organ": 0.1, "synth": 0.9}, True),
              (0.25, {"tumour": 0.25, "organ": 0.15, "synth": 0.6}, False),
              (0.5, MIX, False))

# --shapes (stage 4): half shape scenes (synth.shape_scene: sizes log-uniform over the crop, no anatomy)
# for the first 30 %, then a fifth of them kept in the mixture, so the boundary task is never forgotten.
SHAPES = ((0.0, {"tumour": 0.15, "organ": 0.1, "synth": 0.25, "shape": 0.5}, False),
          (0.3, MIX_SHAPES, False))
# --hosted (stage 8): from a trained model, the whole run on MIX_HOSTED (lesions inside organs, fewer organ prompts).
HOSTED = ((0.0, MIX_HOSTED, False),)


def phase(frac, schedule):
    if schedule is None:
        return MIX, False
    cur = schedule[0]
    for p in schedule:
        if frac >= p[0]:
            cur = p
    return cur[1], cur[2]


def loss_fn(logits, y):
    bce = F.binary_cross_entropy_with_logits(logits, y)
    p = torch.sigmoid(logits)
    inter = (p * y).sum((1, 2, 3, 4))
    dice = 1 - (2 * inter + 1) / (p.sum((1, 2, 3, 4)) + y.sum((1, 2, 3, 4)) + 1)
    return bce + dice.mean()


def batch(rng, pools, n, mix=None, easy=False, first=False):
    """n samples: x [n,C,G,G,G], y, modes (and with first=True the first-click maps [n,G,G,G] apart)."""
    xs, ys, modes = [], [], []
    while len(xs) < n:
        try:
            s = make_sample(rng, pools, mix, easy)
        except (ValueError, IndexError) as e:  # a degenerate crop (e.g. an object cut away): draw another
            print("skipped a sample:", e, flush=True)
            continue
        if s is None:
            continue
        xs.append(s[0]); ys.append(s[1]); modes.append(s[2])
    x = torch.stack(xs)
    if first:
        return x[:, :-1].contiguous(), torch.stack(ys), modes, x[:, -1].contiguous()
    return x[:, :-1].contiguous(), torch.stack(ys), modes


def add_correction(xrow, n_img, prior, pos, neg):
    """One crop's input after a correction: the mask it corrects as the prior, the new clicks added to the
    positive and negative click maps (crop voxel coordinates, as samples.correction_clicks gives them)."""
    if pos:
        xrow[n_img + 1] = torch.maximum(xrow[n_img + 1], C.click_map(pos))
    if neg:
        xrow[n_img + 2] = torch.maximum(xrow[n_img + 2], C.click_map(neg))
    xrow[n_img + 3] = torch.from_numpy(prior.astype(np.float32))


def own_corrections(rng, model, x, y, modes, first, share, rounds=2):
    """Model-in-the-loop correction samples (RITM-style iterative training): for a share of the batch's
    "correct" samples, the synthetic perturbed prior is replaced by the model's own mask from the first
    click (then, with probability 1/2 per round, corrected once more by itself), and the reader's clicks
    come from that mask's errors, as the benchmark's simulated reader places them. The engine's own
    failure (a positive click in a part the model calls background, answered with no change) is then
    what the model is trained on. Returns x with those samples rebuilt (in place)."""
    pick = [b for b, m in enumerate(modes) if m == "correct" and rng.rand() < share]
    if not pick:
        return x
    n_img = x.shape[1] - 5
    xc = x[pick].clone()
    xc[:, n_img + 1] = first[pick]
    xc[:, n_img + 2:n_img + 4] = 0
    was = model.training
    model.eval()
    with torch.no_grad():
        for r in range(rounds):
            pred = (model(xc) > 0)[:, 0].numpy()
            if r == rounds - 1 or rng.rand() < 0.5:
                break
            for a, b in enumerate(pick):  # one more round: the model corrects its own mask once
                p2, n2 = S.correction_clicks(rng, pred[a], y[b, 0].numpy() > 0.5, 1)
                add_correction(xc[a], n_img, pred[a], p2, n2)
    model.train(was)
    for a, b in enumerate(pick):
        t = y[b, 0].numpy() > 0.5
        p2, n2 = S.correction_clicks(rng, pred[a], t, 1 if rng.rand() < 0.6 else 2)
        if not p2 and not n2:
            continue  # the model's mask is the target: keep the synthetic sample
        add_correction(xc[a], n_img, pred[a], p2, n2)
        x[b] = xc[a]
    return x


def loop_monitor(model, x, y, first):
    """Mean Dice of the model's own first-click masks on a fixed batch, and after one correction from
    their largest error (the simulated reader, seeded), as the benchmark's click and +1 protocols."""
    n_img = x.shape[1] - 5
    xc = x.clone()
    xc[:, n_img + 1] = first
    xc[:, n_img + 2:] = 0
    with torch.no_grad():
        click = torch.cat([model(xc[a:a + 4]) for a in range(0, len(xc), 4)])
        d0 = dice_hard(click, y)
        pred = (click > 0)[:, 0].numpy()
        rng = np.random.RandomState(7)
        for b in range(len(xc)):
            p2, n2 = S.correction_clicks(rng, pred[b], y[b, 0].numpy() > 0.5, 1)
            add_correction(xc[b], n_img, pred[b], p2, n2)
        d1 = dice_hard(torch.cat([model(xc[a:a + 4]) for a in range(0, len(xc), 4)]), y)
    return round(float(d0.mean()), 3), round(float(d1.mean()), 3)


def dice_hard(logits, y):
    p = (logits > 0).float()
    inter = (p * y).sum((1, 2, 3, 4))
    return ((2 * inter + 1e-6) / (p.sum((1, 2, 3, 4)) + y.sum((1, 2, 3, 4)) + 1e-6))


def _state(model, opt, step, elapsed, widths):
    return {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed,
            "G": C.G, "widths": list(widths)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=80)
    ap.add_argument("--out", default=os.path.join(D.HERE, "..", "runs", "lesion3d"))
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", default=None, help="start from this checkpoint's weights (a new schedule)")
    ap.add_argument("--widths", default="16,32,64,128")
    ap.add_argument("--curriculum", action="store_true")
    ap.add_argument("--click-ratio", default=None, help="crop side / object extent for click crops, lo,hi (default 0.7,7)")
    ap.add_argument("--shapes", action="store_true", help="stage 4's schedule (shape scenes first, then a fifth of the mixture)")
    ap.add_argument("--hosted", action="store_true", help="stage 8's mixture (samples.MIX_HOSTED) for the whole run")
    ap.add_argument("--loop", type=float, default=0.0, help="share of correction samples built from the model's own masks (stage 12: 0.7)")
    ap.add_argument("--hosted-min-voxels", type=int, default=None, help="smallest hosted lesion painted, in crop voxels (default 20)")
    args = ap.parse_args()
    widths = tuple(int(w) for w in args.widths.split(","))
    if args.click_ratio:
        lo, hi = (float(v) for v in args.click_ratio.split(","))
        S.CLICK_RATIO = (lo, hi)
        S.SYNTH_CLICK_RATIO = (max(lo, 0.55), hi)  # paint's lesion must keep the click inside the crop
    if args.hosted_min_voxels is not None:
        S.HOSTED_MIN_VOXELS = args.hosted_min_voxels
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    split = D.split()
    pools = {"tumour": D.load_ibsi(split["train"]), "organ": D.load_organs(), "background": D.load_backgrounds()}
    assert not any(v.name.split("/")[0] in split["val"] for v in pools["tumour"]), "a validation patient in training"
    # monitor: fixed crops per source, all from the training pools (seeded)
    monitor_rng = np.random.RandomState(12345)
    monitor = {"mixed": batch(monitor_rng, pools, 16),
               # own-correction monitor: tumour crops, the model's own click mask and one correction of it
               "loop": batch(np.random.RandomState(54321), pools, 12, {"tumour": 1.0, "organ": 0.0, "synth": 0.0}, first=True),
               "tumour": batch(monitor_rng, pools, 12, {"tumour": 1.0, "organ": 0.0, "synth": 0.0}),
               "synth_easy": batch(monitor_rng, pools, 12, {"tumour": 0.0, "organ": 0.0, "synth": 1.0}, True)}
    if args.shapes or args.hosted:
        monitor["shape"] = batch(monitor_rng, pools, 12, {"tumour": 0.0, "organ": 0.0, "synth": 0.0, "shape": 1.0})
    if args.hosted:
        monitor["hosted"] = batch(monitor_rng, pools, 12, {"tumour": 0.0, "organ": 0.0, "synth": 0.0, "hosted": 1.0})
    schedule = HOSTED if args.hosted else SHAPES if args.shapes else (CURRICULUM if args.curriculum else None)
    model = Lesion3D(widths=widths)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    ck = os.path.join(args.out, "ckpt.pt")
    step, elapsed = 0, 0.0
    if args.init and not os.path.exists(ck):
        model.load_state_dict(torch.load(args.init)["model"])
        print("initialised from", args.init, flush=True)
    if os.path.exists(ck):
        st = torch.load(ck)
        assert st.get("G", 48) == C.G and tuple(st.get("widths", widths)) == widths, "resume with the same LESION3D_G and --widths"
        model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        print(f"resumed at step {step}, {elapsed / 60:.1f} min", flush=True)
    budget = args.minutes * 60
    rng = np.random.RandomState(args.seed + step)
    log = open(os.path.join(args.out, "train.log"), "a")
    t_last, run_loss = time.time(), []
    while elapsed < budget:
        frac = elapsed / budget
        lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 100)
        for g in opt.param_groups:
            g["lr"] = lr
        mix, easy = phase(frac, schedule)
        x, y, modes, first = batch(rng, pools, args.batch, mix, easy, first=True)
        if args.loop > 0:
            x = own_corrections(rng, model, x, y, modes, first, args.loop)
        model.train()
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        run_loss.append(float(loss))
        step += 1
        now = time.time()
        elapsed += now - t_last
        t_last = now
        if step % 50 == 0:
            msg = {"step": step, "min": round(elapsed / 60, 2), "lr": round(lr, 6), "loss": round(float(np.mean(run_loss)), 4)}
            run_loss = []
            if step % 250 == 0:
                model.eval()
                with torch.no_grad():
                    ds = {}
                    lx, ly, _, lf = monitor["loop"]
                    msg["loop_click_then_corrected"] = loop_monitor(model, lx, ly, lf)
                    for src, (mx, my, mm) in ((k, v) for k, v in monitor.items() if k != "loop"):
                        d = torch.cat([dice_hard(model(mx[a:a + 4]), my[a:a + 4]) for a in range(0, len(mx), 4)])
                        for m, v in zip(mm, d.tolist()):
                            ds.setdefault(f"{src}/{m}" if src == "mixed" else src, []).append(v)
                msg["monitor_dice"] = {m: round(float(np.mean(v)), 3) for m, v in sorted(ds.items())}
                msg["phase"] = {"easy": easy, **mix}
                torch.save(_state(model, opt, step, elapsed, widths), ck + ".tmp")
                os.replace(ck + ".tmp", ck)
                t_last = time.time()
            print(json.dumps(msg), flush=True)
            log.write(json.dumps(msg) + "\n"); log.flush()
    torch.save(_state(model, opt, step, elapsed, widths), ck)
    torch.save({"model": model.state_dict(), "G": C.G, "widths": list(widths)}, os.path.join(args.out, "final.pt"))
    print("done", step, flush=True)


if __name__ == "__main__":
    main()
