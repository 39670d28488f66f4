"""Export a Lesion3D checkpoint as the `lesion3d` pack: ONNX (opset 17), manifest.json with sha256.

python3 -m lesion3d.export --ckpt runs/lesion3d/ckpt.pt --pack ../lesion3d [--version 1.0.0]
"""
import argparse
import os
import sys

import torch

from . import crop as C
from .model import Lesion3D

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from packs import write_manifest  # noqa: E402

ATTRIBUTION = ("Training data: IBSI soft-tissue-sarcoma set (CC BY 3.0; Vallieres et al. 2015, TCIA DOI "
               "10.7937/K9/TCIA.2015.7GO2GSKS; Vallieres et al. 2015 Phys Med Biol 60(14):5471; Clark et al. 2013), "
               "TotalSegmentator example CT/MR and labels (Apache-2.0), brain MR backgrounds (MIT-style, BSD-2) and "
               "synthetic lesions. See MODEL_CARD.md.")


def manifest(version, G):
    return {
        "schemaVersion": 1,
        "id": "lesion3d",
        "name": "Voxa Lesion3D",
        "version": version,
        "task": "segment.prompt3d",
        "licence": "Weights: Apache-2.0 (Voxa project). " + ATTRIBUTION,
        "intendedUse": ("Interactive 3D lesion segmentation on CT and MR from a click, a box or correction clicks, "
                        "one forward pass on a crop around the prompt. Research and demonstration; not a medical "
                        "device; every mask must be reviewed by a clinician."),
        "files": [{"path": "lesion3d.onnx", "role": "model"}],
        "onnx": {
            "opset": 17,
            "inputs": [{"name": "input", "dtype": "float32", "shape": [1, C.CHANNELS, G, G, G]}],
            "outputs": [{"name": "logits", "dtype": "float32", "shape": [1, 1, G, G, G]}],
        },
        "preprocessing": {
            "cropSizeVox": G,
            "fovLadderMm": list(C.FOV_LADDER),
            "firstFovMm": 48.0,
            "coarseFovMm": 96.0,
            "fillFraction": 0.8,
            # No "leakCheck": it helped on the tuning sets but not on validation (README "Leak check"); a pack that
            # wants it adds {"softBelow": 0.2, "sharpFrom": 0.3, "fovsMm": [32.0, 48.0]} here.
            "boxFovFactor": 2.0,
            "correctionFovFactor": 1.6,
            "clickSigmaVox": C.SIGMA,
            "imageChannels": {
                "CT": [{"type": "window", "minHu": C.CT_A[0], "maxHu": C.CT_A[1]},
                       {"type": "window", "minHu": C.CT_B[0], "maxHu": C.CT_B[1]}],
                "default": [{"type": "percentile", "low": 0.5, "high": 99.5},
                            {"type": "percentile", "low": 0.5, "high": 99.5}],
            },
        },
        "postprocessing": {"maskThreshold": 0, "borderVoxels": 4, "boxMarginFraction": 0.1, "testTimeFlips": 4},
        "labels": ["lesion"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--pack", required=True)
    ap.add_argument("--version", default="1.0.0")
    args = ap.parse_args()
    st = {} if args.ckpt == "random" else torch.load(args.ckpt, map_location="cpu")  # "random": untrained, for engine tests
    G = int(st.get("G", C.G))  # checkpoints before G was recorded are 48
    model = Lesion3D(widths=tuple(st.get("widths", (16, 32, 64, 128))))
    if st:
        model.load_state_dict(st["model"] if "model" in st else st)
    model.eval()
    os.makedirs(args.pack, exist_ok=True)
    out = os.path.join(args.pack, "lesion3d.onnx")
    x = torch.zeros(1, C.CHANNELS, G, G, G)
    torch.onnx.export(model, x, out, input_names=["input"], output_names=["logits"], opset_version=17, do_constant_folding=True)
    written = write_manifest(args.pack, manifest(args.version, G))
    print("wrote", out, os.path.getsize(out), "bytes sha256", written["files"][0]["sha256"])


if __name__ == "__main__":
    main()
