"""Can the model's own confidence tell where propagation should stop?

On the TRAINING patients only (never the validation split): one click at the centre of the largest
tumour slice, then propagation with the previous mask as the only prompt until the mask is empty
(evaluate.propagate with no IoU threshold). Every step is labelled "tumour still on this slice" or
"past the end" by the reference mask, and each candidate stop signal is scored by its AUROC for
that distinction (0.5 = useless, 1.0 = a perfect stop rule exists):
  iou   the IoU head's prediction (what the manifest's iouStopThreshold uses)
  pin   the mean foreground probability inside the predicted mask
  sure  the share of mask pixels with logit > 3

  /usr/bin/python3 native-models/training/radsam/stop_signals.py --weights /tmp/radsam-run4d/final.pt
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import evaluate as E  # noqa: E402


def auroc(score, label):
    score, label = np.asarray(score, float), np.asarray(label, int)
    pos, neg = score[label == 1], score[label == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pred = E.Predictor(args.weights)
    seen = {}
    model = pred._model

    def observed(*xs):
        logits, iou = model(*xs)
        lo = logits[0, 0]
        m = lo > 0
        seen["pin"] = float(torch.sigmoid(lo)[m].mean()) if m.any() else 0.0
        seen["sure"] = float((lo[m] > 3).float().mean()) if m.any() else 0.0
        return logits, iou

    pred._model = observed
    rows = []  # (modality, tumour on slice, iou, pin, sure)
    for v in D.load_ibsi(D.load_split()["train"]):
        areas = (v.mask > 0).sum(axis=(1, 2))
        k0 = int(np.argmax(areas))

        def on_step(k, mask, iou, v=v, areas=areas):
            rows.append((v.modality, int(areas[k] > 0), iou, seen["pin"], seen["sure"]))

        E.propagate(pred, v, k0, E.click_centre(v.mask[k0] > 0), iou_stop=float("-inf"), on_step=on_step)
    for mod in ("CT", "MR"):
        sel = [r for r in rows if r[0] == mod]
        lab = [r[1] for r in sel]
        print(f"{mod}: {len(sel)} propagation steps, {lab.count(0)} past the tumour's end")
        for j, name in ((2, "iou"), (3, "pin"), (4, "sure")):
            inside = np.mean([r[j] for r in sel if r[1] == 1])
            past = np.mean([r[j] for r in sel if r[1] == 0])
            print(f"  {name:5s} AUROC {auroc([r[j] for r in sel], lab):.3f}   mean on tumour slices {inside:.3f}, past the end {past:.3f}")


if __name__ == "__main__":
    main()
