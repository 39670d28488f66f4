"""Heads on the frozen Voxa encoder, the encoder pack itself, and the VQA model; writes the packs.

  /usr/bin/python3 native-models/training/heads/train_heads.py --encoder /tmp/voxa-enc/encoder.pt

Packs written (native-models/<id>/: manifest.json, <id>.onnx, MODEL_CARD.md, metrics.json):
  voxa-encoder      embed     image [-1,1,96,96] -> embedding [-1,128]
  voxa-abnormality  classify  lesion present on the slice: [absent, present]
  voxa-modality     classify  [CT, MR]
  voxa-region       classify  body region of the slice: head, thorax, abdomen, pelvis, extremity
  voxa-vqa          vqa       image + tokenised question -> scores over a fixed answer vocabulary
Each head is an MLP on the frozen 128-float embedding (a linear-probe-style head, as Curia evaluates
its encoder); the exported ONNX file holds encoder + head so the engine runs one session.

Splits (never trained on, all metrics on them): IBSI STS patients of ../split.json "val"; phantom seeds
divisible by 4; TotalSegmentator example CT slices 30-49 and 90-99 (a slab of each region); head CT
slices >= 44; brain MR: FLAIR (T1 and T2 train).
"""
import argparse
import glob
import json
import os
import re
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "encoder"))
sys.path.insert(0, os.path.join(HERE, ".."))  # packs.py
import slices as SL  # noqa: E402
from train_encoder import EMBED_DIM, Encoder  # noqa: E402
from packs import write_manifest  # noqa: E402

MODELS = os.path.abspath(os.path.join(HERE, "..", ".."))
REGIONS = ["head", "thorax", "abdomen", "pelvis", "extremity"]
OPSET = 17
INTENSITY = {"CT": {"type": "window", "minHu": -1000, "maxHu": 1000}, "default": {"type": "percentile", "low": 0.5, "high": 99.5}}
PRE = {"input": "slice2d", "plane": "axial", "sizePx": SL.S, "lesionFov": {"marginFactor": SL.LESION_MARGIN, "minMm": SL.LESION_FOV_MIN, "maxMm": SL.LESION_FOV_MAX}, "intensity": INTENSITY}
ATTRIB_IBSI = ("IBSI soft-tissue-sarcoma set (CC BY 3.0): Vallieres M et al. (2015) TCIA DOI 10.7937/K9/TCIA.2015.7GO2GSKS; "
               "Vallieres M et al. (2015) Phys Med Biol 60(14):5471; Clark K et al. (2013) J Digit Imaging 26(6):1045")

# ------------------------------------------------------------------------------------------ data

def phantom_anatomy_region(k_z_mm):
    """Region of a phantom slice at LPS z (mm): torsoAnatomy() of main/services/phantom/torsoPhantom.ts
    on the 384 x 320 mm grid: lungs z in [-50, 130] / [-30, 130], liver z in [-125, -15]."""
    return "thorax" if k_z_mm > -15 else "abdomen"


def collect(phantom_dir, split):
    """Slices with labels: dict rows of x (96x96), group (train/val), and optional labels."""
    D = SL.DATA
    rows = []

    def add(x, val, **lab):
        rows.append(dict(x=x, val=val, **lab))

    for p in split["train"] + split["val"]:
        val = p in split["val"]
        for stem, mod in (("CT", "CT"), ("MR_T1", "MR")):
            ip = os.path.join(D, "training", "ibsi_sts", p, f"{stem}_image.nii.gz")
            if not os.path.exists(ip):
                continue
            v, sp = SL.load_lps(ip)
            m, _ = SL.load_lps(ip.replace("_image", "_mask"))
            for k in range(v.shape[2]):
                area = int((m[:, :, k] > 0).sum())
                abn = "yes" if area >= 20 else ("no" if area == 0 else None)  # tiny tumour edges: ambiguous
                add(SL.whole_slice(v, sp, k, mod), val, src="ibsi", modality=mod, region="extremity", abnormal=abn,
                    pathology=("soft tissue sarcoma" if abn == "yes" else "none" if abn == "no" else None))
    ts = os.path.join(D, "ct_nifti_totalseg_example")
    v, sp = SL.load_lps(os.path.join(ts, "example_ct.nii.gz"))
    for k in range(v.shape[2]):
        # LPS reorientation keeps k increasing superiorly (the file is RAS); spine labels: S1 from k = 37, L5 from 42.
        region = "pelvis" if k < 42 else "abdomen"
        add(SL.whole_slice(v, sp, k, "CT"), (30 <= k < 50) or (90 <= k < 100), src="totalseg", modality="CT", region=region)
    v, sp = SL.load_lps(os.path.join(ts, "example_mr_sm.nii.gz"))
    for k in range(v.shape[2]):
        add(SL.whole_slice(v, sp, k, "MR"), k >= 15, src="totalseg", modality="MR", region="abdomen")
    v, sp = SL.load_lps(os.path.join(D, "ct_nifti_rotated_pitch", "CT_pitch.nii.gz"))
    for k in range(v.shape[2]):
        add(SL.whole_slice(v, sp, k, "MR"), k >= 44, src="headct", region="head")  # uint8: Voxa reads it with the MR rule
    for s in ("T1", "T2", "FLAIR"):
        v, sp = SL.load_lps(os.path.join(D, "brain_mri_stroke_lesion_cstar", f"{s}.nii.gz"))
        for k in range(10, v.shape[2] - 10, 2):
            add(SL.whole_slice(v, sp, k, "MR"), s == "FLAIR", src="brain", modality="MR", region="head")
    for f in sorted(glob.glob(os.path.join(phantom_dir, "phantom_*_ct.nii.gz"))):
        seed = int(re.search(r"phantom_(\d+)_ct", f).group(1))
        meta = json.load(open(f.replace("_ct.nii.gz", "_lesions.json")))
        v, sp = SL.load_lps(f)
        m, _ = SL.load_lps(f.replace("_ct.nii.gz", "_mask.nii.gz"))
        z0 = -(v.shape[2] - 1) * sp[2] / 2
        for k in range(v.shape[2]):
            labs = [int(l) for l in np.unique(m[:, :, k]) if l > 0 and (m[:, :, k] == l).sum() >= 4]
            edge = any(l > 0 for l in np.unique(m[:, :, k])) and not labs
            abn = None if edge else ("yes" if labs else "no")
            organs = sorted({meta[l - 1]["organ"] for l in labs})
            path = None if abn is None else ("none" if abn == "no" else "lung nodule" if organs == ["lung"] else "liver lesion" if organs == ["liver"] else None)
            add(SL.whole_slice(v, sp, k, "CT"), seed % 4 == 0, src="phantom", modality="CT", region=phantom_anatomy_region(z0 + k * sp[2]),
                abnormal=abn, pathology=path)
    return rows


@torch.no_grad()
def embed_all(enc, X, bs=256):
    out = []
    for i in range(0, len(X), bs):
        out.append(enc(torch.from_numpy(X[i:i + bs])[:, None]))
    return torch.cat(out)


class Head(nn.Module):
    def __init__(self, c, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(EMBED_DIM, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, c))

    def forward(self, e):
        return self.net(e)


def standardise_stats(E):
    return E.mean(0), E.std(0).clamp_min(1e-6)


def train_head(E, y, c, epochs=400, lr=3e-3, wd=1e-3, seed=0):
    torch.manual_seed(seed)
    mu, sd = standardise_stats(E)
    h = Head(c)
    opt = torch.optim.AdamW(h.parameters(), lr=lr, weight_decay=wd)
    counts = torch.bincount(y, minlength=c).float().clamp_min(1)
    wts = (counts.sum() / (c * counts))
    Z = (E - mu) / sd
    for _ in range(epochs):
        h.train()
        loss = F.cross_entropy(h(Z), y, weight=wts)
        opt.zero_grad(); loss.backward(); opt.step()
    h.eval()
    return h, mu, sd


def auroc(scores, labels):
    s, l = np.asarray(scores, float), np.asarray(labels, int)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s)); ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ranks for ties
        idx = s == v
        ranks[idx] = ranks[idx].mean()
    npos = l.sum(); nneg = len(l) - npos
    return float((ranks[l == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg))


class Composed(nn.Module):
    def __init__(self, enc, head, mu, sd):
        super().__init__()
        self.enc, self.head = enc, head
        self.register_buffer("mu", mu); self.register_buffer("sd", sd)

    def forward(self, image):
        return self.head((self.enc(image) - self.mu) / self.sd)


def export(model, args, names_in, names_out, dynamic, path):
    model.eval()
    torch.onnx.export(model, args, path, input_names=names_in, output_names=names_out, dynamic_axes=dynamic, opset_version=OPSET)


def write_pack(pid, name, task, files, inputs, outputs, labels, intended, licence, card, metrics, pre=None, post=None):
    d = os.path.join(MODELS, pid)
    manifest = {
        "schemaVersion": 1, "id": pid, "name": name, "version": "0.1.0", "task": task, "licence": licence,
        "intendedUse": intended,
        "files": [{"path": f, "role": r} for f, r in files],
        "onnx": {"opset": OPSET, "inputs": inputs, "outputs": outputs},
        "preprocessing": pre or PRE, "postprocessing": post or {}, "labels": labels,
    }
    write_manifest(d, manifest)
    json.dump(metrics, open(os.path.join(d, "metrics.json"), "w"), indent=2)
    open(os.path.join(d, "MODEL_CARD.md"), "w").write(card)


LICENCE = ("Weights: part of Voxa. Trained on CC BY 3.0 (IBSI STS), Apache-2.0 (TotalSegmentator example), BSD-2 / MIT "
           "(niivue sample images) data and Voxa's own synthetic phantoms; see MODEL_CARD.md for attribution.")

DATA_TABLE = f"""| source | licence | used for |
|---|---|---|
| `training/ibsi_sts`, training patients of `native-models/training/split.json` | CC BY 3.0 | CT and MR T1 slices, tumour masks |
| `ct_nifti_totalseg_example` (example_ct, example_mr_sm, spine labels) | Apache-2.0 | abdomen/pelvis CT, abdominal MR |
| `ct_nifti_rotated_pitch` (head CT, uint8-rescaled) | BSD-2 | head |
| `brain_mri_stroke_lesion_cstar` (T1, T2, FLAIR) | MIT / BSD-2 | head MR |
| `nifti_orientation_48/LPS.nii.gz` (ICBM-derived) | BSD-2 | head MR (encoder only) |
| Voxa torso phantoms (seeds < 1000, `native-models/training/encoder/writePhantoms.ts`) | Voxa | thorax/abdomen CT with synthetic lesions |

Never used: BraTS (non-commercial), `msd_lung_2mm_patches` (share-alike).

Attribution: {ATTRIB_IBSI}.
"""

# ------------------------------------------------------------------------------------------ VQA

ANSWERS = ["yes", "no", "head", "thorax", "abdomen", "pelvis", "extremity", "soft tissue sarcoma", "lung nodule", "liver lesion", "none", "ct", "mr"]
PATHOLOGIES = ["soft tissue sarcoma", "lung nodule", "liver lesion"]
MAX_TOKENS = 16


def tokens(q):
    return re.findall(r"[a-z0-9]+", q.lower())


def make_questions(r, rng):
    """RadImageNet-VQA-style (family, type, template, question, answer) for one labelled slice."""
    out = []
    if r.get("abnormal"):
        a = r["abnormal"]
        out.append(("abnormality", "yes/no", "abn1", "Is there an abnormality in this image?", a))
        out.append(("abnormality", "yes/no", "abn2", "Is there a lesion on this slice?", a))
        out.append(("abnormality", "yes/no", "abn3", "Is this slice normal?", "no" if a == "yes" else "yes"))
    if r.get("region"):
        g = r["region"]
        out.append(("anatomy", "open", "ana1", "Which body region is shown?", g))
        other = rng.choice([x for x in REGIONS if x != g])
        ask = g if rng.rand() < 0.5 else other
        out.append(("anatomy", "yes/no", "ana2", f"Is this an image of the {ask}?", "yes" if ask == g else "no"))
        a, b = (g, other) if rng.rand() < 0.5 else (other, g)
        out.append(("anatomy", "multiple-choice", "ana3", f"Which region is shown: {a} or {b}?", g))
    if r.get("pathology"):
        p = r["pathology"]
        out.append(("pathology", "open", "pat1", "What is the pathology in this image?", p))
        ask = p if (p != "none" and rng.rand() < 0.5) else rng.choice(PATHOLOGIES)
        out.append(("pathology", "yes/no", "pat2", f"Is there a {ask} in this image?", "yes" if ask == p else "no"))
        if p != "none":
            other = rng.choice([x for x in PATHOLOGIES if x != p])
            a, b = (p, other) if rng.rand() < 0.5 else (other, p)
            out.append(("pathology", "multiple-choice", "pat3", f"Which finding is shown: {a} or {b}?", p))
    if r.get("modality"):
        m = r["modality"].lower()
        out.append(("modality", "open", "mod1", "What is the imaging modality?", m))
        ask = rng.choice(["ct", "mr"])
        out.append(("modality", "yes/no", "mod2", f"Is this a {ask.upper()} image?", "yes" if ask == m else "no"))
    return out


class Vqa(nn.Module):
    def __init__(self, vocab_size, n_answers, use_image=True, dim=32):
        super().__init__()
        self.use_image = use_image
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(dim + (EMBED_DIM if use_image else 0), 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, n_answers))

    def qvec(self, q):
        m = (q > 0).float().unsqueeze(-1)
        return (self.emb(q) * m).sum(1) / m.sum(1).clamp_min(1.0)

    def forward(self, z, q):
        h = torch.cat([z, self.qvec(q)], 1) if self.use_image else self.qvec(q)
        return self.mlp(h)


class VqaComposed(nn.Module):
    def __init__(self, enc, vqa, mu, sd):
        super().__init__()
        self.enc, self.vqa = enc, vqa
        self.register_buffer("mu", mu); self.register_buffer("sd", sd)

    def forward(self, image, question):
        return self.vqa((self.enc(image) - self.mu) / self.sd, question)


def train_vqa(Z, Q, A, use_image, n_vocab, epochs=60, seed=0):
    torch.manual_seed(seed)
    m = Vqa(n_vocab, len(ANSWERS), use_image)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=1e-3)
    n = len(A)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        m.train()
        for idx in torch.randperm(n, generator=g).split(512):
            loss = F.cross_entropy(m(Z[idx], Q[idx]), A[idx])
            opt.zero_grad(); loss.backward(); opt.step()
    m.eval()
    return m


# ------------------------------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder", default="/tmp/voxa-enc/encoder.pt")
    ap.add_argument("--phantoms", default="/tmp/voxa-enc-cache/phantoms")
    ap.add_argument("--cache", default="/tmp/voxa-heads-rows.pt")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(a.encoder)
    enc = Encoder(); enc.load_state_dict(ck["encoder"]); enc.eval()
    split = json.load(open(os.path.join(HERE, "..", "split.json")))
    if os.path.exists(a.cache):
        rows = torch.load(a.cache)
    else:
        rows = collect(a.phantoms, split)
        torch.save(rows, a.cache)
    X = np.stack([r["x"] for r in rows]).astype(np.float32)
    E = embed_all(enc, X)
    val = np.array([r["val"] for r in rows])
    print("slices", len(rows), "val", int(val.sum()), flush=True)
    metrics_all = {}

    # ---- encoder pack
    d = os.path.join(MODELS, "voxa-encoder"); os.makedirs(d, exist_ok=True)
    export(enc, (torch.zeros(1, 1, SL.S, SL.S),), ["image"], ["embedding"], {"image": {0: "batch"}, "embedding": {0: "batch"}}, os.path.join(d, "voxa-encoder.onnx"))

    # ---- classify heads
    specs = [
        ("voxa-abnormality", "abnormal", ["no", "yes"], ["absent", "present"], "Voxa abnormality (lesion on slice)",
         "Is a lesion (tumour) visible on this axial slice? Research use; not a diagnostic device."),
        ("voxa-modality", "modality", ["CT", "MR"], ["CT", "MR"], "Voxa modality (CT vs MR)",
         "Tells CT from MR from the pixels alone (e.g. to check series metadata). Research use."),
        ("voxa-region", "region", REGIONS, REGIONS, "Voxa body region",
         "Body region of an axial slice (head, thorax, abdomen, pelvis, extremity). Research use."),
    ]
    heads = {}
    for pid, key, classes, labels, name, intended in specs:
        idx = [i for i, r in enumerate(rows) if r.get(key) in classes]
        # the region head is for CT slices (and the uint8 head CT), per the issue
        if key == "region":
            idx = [i for i in idx if rows[i].get("modality") in (None, "CT")]
        y = torch.tensor([classes.index(rows[i][key]) for i in idx])
        tr = np.array([not val[i] for i in idx]); te = ~tr
        h, mu, sd = train_head(E[idx][tr], y[tr], len(classes))
        with torch.no_grad():
            p = F.softmax(h((E[idx][te] - mu) / sd), 1).numpy()
        yt = y[te].numpy()
        pred = p.argmax(1)
        per_class = {c: {"n": int((yt == j).sum()), "recall": float((pred[yt == j] == j).mean()) if (yt == j).any() else None} for j, c in enumerate(classes)}
        by_src = {}
        for s in sorted({rows[i]["src"] for i in np.array(idx)[te]}):
            mask = np.array([rows[i]["src"] == s for i in np.array(idx)[te]])
            by_src[s] = {"n": int(mask.sum()), "accuracy": float((pred[mask] == yt[mask]).mean())}
        maj = int(np.bincount(y[tr].numpy()).argmax())
        m = {"n_train": int(tr.sum()), "n_val": int(te.sum()), "accuracy": float((pred == yt).mean()),
             "balanced_accuracy": float(np.mean([v["recall"] for v in per_class.values() if v["recall"] is not None])),
             "majority_class_accuracy": float((yt == maj).mean()), "per_class": per_class, "by_source": by_src}
        if len(classes) == 2 and len(set(yt.tolist())) == 2:
            m["auroc"] = auroc(p[:, 1], yt)
        print(pid, json.dumps({k: v for k, v in m.items() if k not in ("per_class",)}), flush=True)
        metrics_all[pid] = m
        heads[pid] = (h, mu, sd, classes, labels, name, intended, m)
        dd = os.path.join(MODELS, pid); os.makedirs(dd, exist_ok=True)
        export(Composed(enc, h, mu, sd), (torch.zeros(1, 1, SL.S, SL.S),), ["image"], ["logits"], {"image": {0: "batch"}, "logits": {0: "batch"}}, os.path.join(dd, f"{pid}.onnx"))

    # ---- VQA
    rng = np.random.RandomState(3)
    qa = []  # (row index, family, type, template, question, answer)
    for i, r in enumerate(rows):
        for f, t, tpl, q, ans in make_questions(r, rng):
            qa.append((i, f, t, tpl, q, ans))
    words = sorted({w for (i, f, t, tpl, q, ans) in qa if not val[i] for w in tokens(q)})
    vocab = {w: n + 2 for n, w in enumerate(words)}  # 0 pad, 1 unknown

    def encode_q(q):
        ids = [vocab.get(w, 1) for w in tokens(q)][:MAX_TOKENS]
        return ids + [0] * (MAX_TOKENS - len(ids))

    Zall = (E - E[~val].mean(0)) / E[~val].std(0).clamp_min(1e-6)
    Q = torch.tensor([encode_q(q) for (_, _, _, _, q, _) in qa])
    A = torch.tensor([ANSWERS.index(ans) for (*_, ans) in qa])
    Zq = Zall[[i for (i, *_) in qa]]
    trq = np.array([not val[i] for (i, *_) in qa]); teq = ~trq
    vqa = train_vqa(Zq[trq], Q[trq], A[trq], True, len(vocab) + 2)
    txt = train_vqa(Zq[trq], Q[trq], A[trq], False, len(vocab) + 2)
    with torch.no_grad():
        pv = vqa(Zq[teq], Q[teq]).argmax(1).numpy(); pt = txt(Zq[teq], Q[teq]).argmax(1).numpy()
    at = A[teq].numpy()
    tpl_major = {}
    for (i, f, t, tpl, q, ans), is_tr in zip(qa, trq):
        if is_tr:
            tpl_major.setdefault(tpl, []).append(ans)
    tpl_major = {k: max(set(v), key=v.count) for k, v in tpl_major.items()}
    fam_major = {}
    for (i, f, t, tpl, q, ans), is_tr in zip(qa, trq):
        if is_tr:
            fam_major.setdefault(f, []).append(ans)
    fam_major = {k: max(set(v), key=v.count) for k, v in fam_major.items()}
    test_items = [x for x, te in zip(qa, teq) if te]
    vm = {}
    for fam in ["abnormality", "anatomy", "pathology", "modality"]:
        for typ in [None, "yes/no", "multiple-choice", "open"]:
            sel = np.array([f == fam and (typ is None or t == typ) for (_, f, t, *_) in test_items])
            if not sel.any():
                continue
            key = fam if typ is None else f"{fam}/{typ}"
            vm[key] = {"n": int(sel.sum()),
                       "model": float((pv[sel] == at[sel]).mean()),
                       "text_only": float((pt[sel] == at[sel]).mean()),
                       "majority_of_template": float(np.mean([tpl_major.get(x[3]) == x[5] for x, s in zip(test_items, sel) if s])),
                       "majority_of_family": float(np.mean([fam_major.get(x[1]) == x[5] for x, s in zip(test_items, sel) if s]))}
    vm["all"] = {"n": int(teq.sum()), "model": float((pv == at).mean()), "text_only": float((pt == at).mean())}
    print("vqa", json.dumps(vm), flush=True)
    metrics_all["voxa-vqa"] = vm
    dv = os.path.join(MODELS, "voxa-vqa"); os.makedirs(dv, exist_ok=True)
    mu_all, sd_all = E[~val].mean(0), E[~val].std(0).clamp_min(1e-6)
    export(VqaComposed(enc, vqa, mu_all, sd_all), (torch.zeros(1, 1, SL.S, SL.S), torch.zeros(1, MAX_TOKENS, dtype=torch.long)),
           ["image", "question"], ["answer_logits"], {"image": {0: "batch"}, "question": {0: "batch"}, "answer_logits": {0: "batch"}}, os.path.join(dv, "voxa-vqa.onnx"))
    families = {"abnormality": {"answers": ["yes", "no"]}, "anatomy": {"answers": REGIONS}, "pathology": {"answers": PATHOLOGIES + ["none"]}, "modality": {"answers": ["ct", "mr"]}}
    json.dump({"tokenizer": "lowercase; words are runs of [a-z0-9]; 0 = padding, 1 = unknown word", "maxTokens": MAX_TOKENS,
               "words": vocab, "answers": ANSWERS, "families": families,
               "suggestedQuestions": ["Is there an abnormality in this image?", "Which body region is shown?", "What is the pathology in this image?", "What is the imaging modality?"]},
              open(os.path.join(dv, "vocab.json"), "w"), indent=1)

    write_cards(heads, vm, ck, len(rows), int(val.sum()), len(qa))
    json.dump(metrics_all, open("/tmp/voxa-heads-metrics.json", "w"), indent=2)


def fmt(v):
    return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def write_cards(heads, vm, ck, n_rows, n_val, n_qa):
    S = SL.S
    img_in = [{"name": "image", "dtype": "float32", "shape": [-1, 1, S, S]}]
    counts = ", ".join(f"{k} {v}" for k, v in ck["counts"].items())
    card = f"""# Voxa encoder (`voxa-encoder`)

A small self-supervised image encoder: one axial slice (96 × 96, see preprocessing in manifest.json) → 128 floats.
Few-shot probes (`voxa fewshot`), the built-in heads and the VQA model sit on it.

- **Architecture:** 4 stride-2 conv blocks (16-32-64-128 channels, BatchNorm, ReLU), mean + max pooling, linear to 128. ~0.3 M parameters.
- **Training:** contrastive (SimCLR-style NT-Xent, temperature 0.2) between two augmented views (rotation ±15°, scale 0.85–1.15, shifts, flips, gamma, contrast, blur, noise), {ck['steps']} steps of {ck['batch']} slices on 1 CPU thread (`native-models/training/encoder/train_encoder.py`). Final loss {ck['log'][-1][1]:.3f} (start {ck['log'][0][1]:.3f}).
- **Slices seen (unlabelled):** {counts}. "…:lesion" are lesion-centred crops (the runner's `--mask` input).
- **Preprocessing:** reoriented to the axial plane in radiological orientation; whole slice in a square field of view (the larger in-plane extent), or a lesion crop of 2.5 × its extent; bilinear to 96 × 96; CT window −1000…1000 HU → 0…1, other modalities 0.5–99.5 percentiles of the crop.

## Data

{DATA_TABLE}
## What it is good for, and limits

- Linear/MLP probes: see the head cards (`voxa-abnormality`, `voxa-modality`, `voxa-region`, `voxa-vqa`) for held-out numbers, and `docs/vqa-fewshot.md` for the few-shot result on phantoms.
- Trained on a few thousand slices from ~40 real volumes plus phantoms: it has not seen chest CT of real patients, most organs, paediatric images, contrast phases or artefacts. Expect the features to be weak outside what is listed above.
- Not a diagnostic device.
"""
    d = os.path.join(MODELS, "voxa-encoder")
    write_pack("voxa-encoder", "Voxa encoder", "embed", [("voxa-encoder.onnx", "model")], img_in,
               [{"name": "embedding", "dtype": "float32", "shape": [-1, EMBED_DIM]}], [], "Image embeddings for few-shot probes and the built-in heads. Research use.",
               LICENCE, card, {"steps": ck["steps"], "loss": ck["log"], "counts": ck["counts"]})
    for pid, (h, mu, sd, classes, labels, name, intended, m) in heads.items():
        rows_tbl = "\n".join(f"| {c} | {v['n']} | {fmt(v['recall'])} |" for c, v in m["per_class"].items())
        src_tbl = "\n".join(f"| {s} | {v['n']} | {fmt(v['accuracy'])} |" for s, v in m["by_source"].items())
        card = f"""# {name} (`{pid}`)

{intended}

An MLP (128 → 64 → {len(classes)}) on the frozen `voxa-encoder` embedding, exported with the encoder as one ONNX file
(`native-models/training/heads/train_heads.py`). Output `logits` over {labels}; the runner applies softmax.

## Held-out results (split by patient / phantom seed / slab; never trained on)

n train {m['n_train']}, n held out {m['n_val']}. Accuracy **{m['accuracy']:.3f}**, balanced accuracy {m['balanced_accuracy']:.3f}{', AUROC ' + format(m['auroc'], '.3f') if 'auroc' in m else ''};
always answering the training majority class: {m['majority_class_accuracy']:.3f}.

| class | n held out | recall |
|---|---|---|
{rows_tbl}

| source | n held out | accuracy |
|---|---|---|
{src_tbl}

## Data

{DATA_TABLE}
## Limits

Few real volumes (32 IBSI patients, one TotalSegmentator CT, one head CT, one brain MR); thorax examples are synthetic phantoms only.
The held-out slices come from the same sources as training (other patients or slabs), so these numbers do not show how it behaves on another hospital's images. Research use, not a diagnostic device.
"""
        write_pack(pid, name, "classify", [(f"{pid}.onnx", "model")], img_in, [{"name": "logits", "dtype": "float32", "shape": [-1, len(classes)]}],
                   labels, intended, LICENCE, card, m, post={"activation": "softmax"})
    fam_rows = "\n".join(f"| {k} | {v['n']} | {v['model']:.3f} | {v['text_only']:.3f} | {fmt(v.get('majority_of_template'))} | {fmt(v.get('majority_of_family'))} |" for k, v in vm.items())
    card = f"""# Voxa VQA (`voxa-vqa`)

Visual question answering over a fixed answer vocabulary ({', '.join(ANSWERS)}), RadImageNet-VQA style:
abnormality, anatomy and pathology families (plus modality), yes/no, multiple-choice and open questions.

- **Model:** frozen `voxa-encoder` image embedding (standardised) + question encoder (mean of 32-d word embeddings over
  a {MAX_TOKENS}-token window) → MLP (160 → 128 → {len(ANSWERS)}) → `answer_logits`. Vocabulary in `vocab.json`.
- **Training data:** {n_qa} question–answer pairs generated by templates (`make_questions` in
  `native-models/training/heads/train_heads.py`) from {n_rows} labelled slices ({n_val} held out).
- **Control:** the same model without the image (text only) and the majority answers, on the same held-out questions.
  Where the text-only control is close to the model, the template gives the answer away and the image adds little.

## Held-out accuracy per question family

| family / type | n | model | text only | majority of template | majority of family |
|---|---|---|---|---|---|
{fam_rows}

Questions about what Voxa measured (size, volume, change, RECIST category) never reach this model: the task runner answers
them from stored measurements (`source: "measured"`).

## Data

{DATA_TABLE}
## Limits

Template questions only: free-form phrasing far from the templates maps to unknown words. Pathology answers cover only
soft-tissue sarcoma (IBSI), and phantom lung/liver lesions; anything else will be forced into that vocabulary. Research use, not a diagnostic device.
"""
    write_pack("voxa-vqa", "Voxa VQA", "vqa", [("voxa-vqa.onnx", "model"), ("vocab.json", "vocab")],
               img_in + [{"name": "question", "dtype": "int64", "shape": [-1, MAX_TOKENS]}],
               [{"name": "answer_logits", "dtype": "float32", "shape": [-1, len(ANSWERS)]}], ANSWERS,
               "Answers template questions about an axial slice (abnormality, region, pathology, modality). Research use.", LICENCE, card, vm,
               pre={**PRE, "question": {"vocab": "vocab.json", "maxTokens": MAX_TOKENS}})


if __name__ == "__main__":
    main()
