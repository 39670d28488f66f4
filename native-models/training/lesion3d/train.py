"""Train Lesion3D on CPU, resumably: python3 -m lesion3d.train --minutes 80 [--out runs/lesion3d]

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
from .samples import make_sample


def loss_fn(logits, y):
    bce = F.binary_cross_entropy_with_logits(logits, y)
    p = torch.sigmoid(logits)
    inter = (p * y).sum((1, 2, 3, 4))
    dice = 1 - (2 * inter + 1) / (p.sum((1, 2, 3, 4)) + y.sum((1, 2, 3, 4)) + 1)
    return bce + dice.mean()


def batch(rng, pools, n):
    xs, ys, modes = [], [], []
    while len(xs) < n:
        try:
            s = make_sample(rng, pools)
        except (ValueError, IndexError) as e:  # a degenerate crop (e.g. an object cut away): draw another
            print("skipped a sample:", e, flush=True)
            continue
        if s is None:
            continue
        xs.append(s[0]); ys.append(s[1]); modes.append(s[2])
    return torch.stack(xs), torch.stack(ys), modes


def dice_hard(logits, y):
    p = (logits > 0).float()
    inter = (p * y).sum((1, 2, 3, 4))
    return ((2 * inter + 1e-6) / (p.sum((1, 2, 3, 4)) + y.sum((1, 2, 3, 4)) + 1e-6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=80)
    ap.add_argument("--out", default=os.path.join(D.HERE, "..", "runs", "lesion3d"))
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", default=None, help="start from this checkpoint's weights (a new schedule)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    split = D.split()
    pools = {"tumour": D.load_ibsi(split["train"]), "organ": D.load_organs(), "background": D.load_backgrounds()}
    assert not any(v.name.split("/")[0] in split["val"] for v in pools["tumour"]), "a validation patient in training"
    monitor_rng = np.random.RandomState(12345)
    monitor = [batch(monitor_rng, pools, 8) for _ in range(4)]
    model = Lesion3D()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    ck = os.path.join(args.out, "ckpt.pt")
    step, elapsed = 0, 0.0
    if args.init and not os.path.exists(ck):
        model.load_state_dict(torch.load(args.init)["model"])
        print("initialised from", args.init, flush=True)
    if os.path.exists(ck):
        st = torch.load(ck)
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
        x, y, _ = batch(rng, pools, args.batch)
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
                    for mx, my, mm in monitor:
                        d = dice_hard(model(mx), my)
                        for m, v in zip(mm, d.tolist()):
                            ds.setdefault(m, []).append(v)
                msg["monitor_dice"] = {m: round(float(np.mean(v)), 3) for m, v in ds.items()}
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed}, ck + ".tmp")
                os.replace(ck + ".tmp", ck)
                t_last = time.time()
            print(json.dumps(msg), flush=True)
            log.write(json.dumps(msg) + "\n"); log.flush()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": elapsed}, ck)
    torch.save(model.state_dict(), os.path.join(args.out, "final.pt"))
    print("done", step, flush=True)


if __name__ == "__main__":
    main()
