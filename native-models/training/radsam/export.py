"""Export RadSAM-lite to ONNX (opset 17) with the interface of docs/model-packs.md, write the
manifest (sha256 filled in) and parity vectors for check_onnx.mjs.

  /usr/bin/python3 native-models/training/radsam/export.py --weights /tmp/radsam-run/final.pt
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # packs.py
import data as D  # noqa: E402
from model import RadSamLite, load_weights  # noqa: E402
from packs import write_manifest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(HERE, "..", "..", "radsam-lite")
S = 128
IN_NAMES = ["image", "point_coords", "point_labels", "mask_input", "has_mask_input"]
OUT_NAMES = ["masks", "iou_predictions"]


def example_inputs(seed, n):
    g = torch.Generator().manual_seed(seed)
    img = torch.rand(1, 1, S, S, generator=g)
    pc = torch.rand(1, n, 2, generator=g) * S
    labels = [1.0, 0.0, 2.0, 3.0, -1.0, 1.0][:n]
    pl = torch.tensor([labels], dtype=torch.float32)
    mi = torch.where(torch.rand(1, 1, S // 4, S // 4, generator=g) > 0.6, 10.0, -10.0)
    hm = torch.tensor([float(seed % 2)])
    return img, pc, pl, mi, hm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="/tmp/radsam-run/final.pt")
    ap.add_argument("--version", default="1.1.0")
    ap.add_argument("--iou-stop", type=float, default=0.3, help="manifest postprocessing.iouStopThreshold (chosen on spheres with evaluate.py --spheres-only)")
    ap.add_argument("--pack", default=PACK, help="pack folder to write (default: native-models/radsam-lite)")
    args = ap.parse_args()
    torch.manual_seed(0)
    m = RadSamLite()
    m.load_state_dict(load_weights(args.weights))
    m.eval()
    os.makedirs(args.pack, exist_ok=True)
    out = os.path.join(args.pack, "radsam-lite.onnx")
    torch.onnx.export(m, example_inputs(0, 3), out, opset_version=17, input_names=IN_NAMES,
                      output_names=OUT_NAMES, do_constant_folding=True,
                      dynamic_axes={"point_coords": {1: "N"}, "point_labels": {1: "N"}})
    model = onnx.load(out)
    onnx.checker.check_model(model)
    for i in model.graph.input:
        print("input", i.name, [d.dim_value or d.dim_param for d in i.type.tensor_type.shape.dim])
    for o in model.graph.output:
        print("output", o.name, [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim])

    # parity vectors (torch outputs) for the Node/onnxruntime check
    vecs = []
    with torch.no_grad():
        for seed, n in ((1, 1), (2, 3), (3, 5), (4, 6)):
            xs = example_inputs(seed, n)
            lo, iou = m(*xs)
            vecs.append({"inputs": {k: {"shape": list(v.shape), "data": v.flatten().tolist()} for k, v in zip(IN_NAMES, xs)},
                         "masks_sum": float(lo.sum()), "masks_sample": lo.flatten()[::97].tolist(),
                         "iou": float(iou)})
    with open("/tmp/radsam-parity.json", "w") as f:
        json.dump(vecs, f)

    manifest = {
        "schemaVersion": 1,
        "id": "radsam-lite",
        "name": "RadSAM-lite",
        "version": args.version,
        "task": "segment.prompt2d",
        "licence": ("Weights: Apache-2.0 (Voxa project). Training data: IBSI soft-tissue-sarcoma set "
                    "(CC BY 3.0; Vallieres et al. 2015, TCIA DOI 10.7937/K9/TCIA.2015.7GO2GSKS; Clark et al. 2013), "
                    "TotalSegmentator example CT and labels (Apache-2.0), and synthetic lesions. See MODEL_CARD.md."),
        "intendedUse": ("Interactive 2D promptable segmentation of lesions and structures on CT and MR slices "
                        "(points, box, mask prompt), propagated slice by slice (RadSAM). Research and "
                        "demonstration; not a medical device; every mask must be reviewed by a clinician."),
        "files": [{"path": "radsam-lite.onnx", "role": "model"}],
        "onnx": {
            "opset": 17,
            "inputs": [
                {"name": "image", "dtype": "float32", "shape": [1, 1, S, S]},
                {"name": "point_coords", "dtype": "float32", "shape": [1, -1, 2]},
                {"name": "point_labels", "dtype": "float32", "shape": [1, -1]},
                {"name": "mask_input", "dtype": "float32", "shape": [1, 1, S // 4, S // 4]},
                {"name": "has_mask_input", "dtype": "float32", "shape": [1]},
            ],
            "outputs": [
                {"name": "masks", "dtype": "float32", "shape": [1, 1, S, S]},
                {"name": "iou_predictions", "dtype": "float32", "shape": [1, 1]},
            ],
        },
        "preprocessing": {
            "cropSizePx": S,
            "fovMm": {"default": 96, "min": 24, "max": 240, "marginFactor": 2.5},
            "intensity": {
                "CT": {"type": "window", "minHu": D.CT_MIN, "maxHu": D.CT_MAX},
                "MR": {"type": "percentile", "low": 0.5, "high": 99.5},
                "default": {"type": "percentile", "low": 0.5, "high": 99.5},
            },
        },
        "postprocessing": {"maskThreshold": 0, "iouStopThreshold": args.iou_stop, "minAreaPx": 4},
        "labels": ["lesion"],
    }
    written = write_manifest(args.pack, manifest)
    print("wrote", out, os.path.getsize(out), "bytes sha256", written["files"][0]["sha256"])


if __name__ == "__main__":
    main()
