#!/usr/bin/python3
"""Test-only reference for Voxa's SAM-family engine (issue: bring SAM/MedSAM packs).

Uses the reference implementation in ../shared/reference/segment-anything (Apache-2.0,
never copied into the project; PYTHONPATH must point at it) with Debian's python3-torch.

  build  OUT SEED       builds a SAM-architecture model with a tiny ViT image encoder and
                        random weights through segment_anything.modeling, saves its
                        checkpoint, exports the image encoder to OUT/encoder.onnx and the
                        prompt decoder to OUT/decoder.onnx with the official
                        scripts/export_onnx_model.py (run_export), and prints a JSON summary.
  predict CKPT REQ OUT  runs SamPredictor (torch, not ONNX) for each request of REQ (JSON) and
                        writes the logits, IoU predictions and low-resolution logits to OUT.

A request: {"name", "image": raw float32 file (H*W, row-major), "width", "height",
"window": [lo, hi], "points": [[x, y, label]...], "box": [x1, y1, x2, y2] | null,
"maskFrom": name of an earlier request whose best low-res logits are the mask prompt | null,
"multimask": bool}. The image is quantised to uint8 as Voxa documents it
(floor(clip((v - lo) / (hi - lo), 0, 1) * 255 + 0.5)) and given to SamPredictor as RGB.
"""
import importlib.util
import json
import os
import sys
from functools import partial

import numpy as np
import torch

from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer
from segment_anything.predictor import SamPredictor

IMG = 1024
EMBED = 64  # prompt embedding width of the tiny model (SAM's is 256)


def build_tiny(checkpoint=None):
    """SAM's layout (ViT encoder at 1024, 16-pixel patches, 64x64 embedding, two-way transformer
    decoder with 3 multimask tokens) at a size a CPU test can run."""
    sam = Sam(
        image_encoder=ImageEncoderViT(
            depth=2, embed_dim=32, img_size=IMG, mlp_ratio=4, norm_layer=partial(torch.nn.LayerNorm, eps=1e-6),
            num_heads=2, patch_size=16, qkv_bias=True, use_rel_pos=True, global_attn_indexes=(1,), window_size=14,
            out_chans=EMBED,
        ),
        prompt_encoder=PromptEncoder(embed_dim=EMBED, image_embedding_size=(IMG // 16, IMG // 16), input_image_size=(IMG, IMG), mask_in_chans=16),
        mask_decoder=MaskDecoder(
            num_multimask_outputs=3,
            transformer=TwoWayTransformer(depth=2, embedding_dim=EMBED, mlp_dim=256, num_heads=4),
            transformer_dim=EMBED, iou_head_depth=3, iou_head_hidden_dim=64,
        ),
        pixel_mean=[123.675, 116.28, 103.53],
        pixel_std=[58.395, 57.12, 57.375],
    )
    sam.eval()
    if checkpoint is not None:
        sam.load_state_dict(torch.load(checkpoint))
    return sam


def official_exporter():
    ref = os.environ.get('SAM_REFERENCE_DIR')
    spec = importlib.util.spec_from_file_location('export_onnx_model', os.path.join(ref, 'scripts', 'export_onnx_model.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(out, seed):
    torch.manual_seed(seed)
    sam = build_tiny()
    # Random init leaves the IoU head and mask tokens near zero; a small deterministic spread makes the
    # multimask choice and the masks depend on the prompt, so the test compares something.
    with torch.no_grad():
        for p in sam.mask_decoder.parameters():
            p.mul_(3.0)
    ckpt = os.path.join(out, 'tiny_sam.pth')
    torch.save(sam.state_dict(), ckpt)
    with torch.no_grad():
        torch.onnx.export(
            sam.image_encoder, (torch.randn(1, 3, IMG, IMG),), os.path.join(out, 'encoder.onnx'),
            input_names=['image'], output_names=['image_embeddings'], opset_version=17, do_constant_folding=True,
        )
    mod = official_exporter()
    mod.sam_model_registry['voxa_tiny'] = build_tiny
    mod.run_export(model_type='voxa_tiny', checkpoint=ckpt, output=os.path.join(out, 'decoder.onnx'), opset=17, return_single_mask=False)
    print(json.dumps({'checkpoint': ckpt, 'embedding': [1, EMBED, IMG // 16, IMG // 16], 'imgSize': IMG,
                      'torch': torch.__version__}))


def quantise(v, lo, hi):
    return np.floor(np.clip((v.astype(np.float64) - lo) / (hi - lo), 0, 1) * 255 + 0.5).astype(np.uint8)


def predict(ckpt, req_file, out):
    sam = build_tiny(ckpt)
    predictor = SamPredictor(sam)
    with open(req_file) as f:
        reqs = json.load(f)
    low_res_of = {}
    summary = []
    set_for = None
    for r in reqs:
        img = np.fromfile(r['image'], dtype=np.float32).reshape(r['height'], r['width'])
        u8 = quantise(img, *r['window'])
        key = (r['image'], tuple(r['window']))
        if set_for != key:
            rgb = np.repeat(u8[:, :, None], 3, axis=2)
            predictor.set_image(rgb)
            predictor.transform.apply_image(rgb)[:, :, 0].tofile(os.path.join(out, r['name'] + '.resized.u8'))
            set_for = key
        pts = r.get('points') or []
        coords = np.array([[p[0], p[1]] for p in pts], dtype=np.float32) if pts else None
        labels = np.array([p[2] for p in pts], dtype=np.float32) if pts else None
        box = np.array(r['box'], dtype=np.float32) if r.get('box') else None
        mask_input = low_res_of[r['maskFrom']][None, :, :] if r.get('maskFrom') else None
        with torch.no_grad():
            masks, ious, low = predictor.predict(point_coords=coords, point_labels=labels, box=box, mask_input=mask_input,
                                                 multimask_output=r['multimask'], return_logits=True)
        best = int(np.argmax(ious))
        low_res_of[r['name']] = low[best]
        masks[best].astype(np.float32).tofile(os.path.join(out, r['name'] + '.masks.f32'))
        low[best].astype(np.float32).tofile(os.path.join(out, r['name'] + '.lowres.f32'))
        u8.tofile(os.path.join(out, r['name'] + '.u8'))
        summary.append({'name': r['name'], 'ious': [float(x) for x in ious], 'best': best,
                        'inputSize': list(predictor.input_size), 'area': int((masks[best] > 0).sum())})
    print(json.dumps(summary))


if __name__ == '__main__':
    if sys.argv[1] == 'build':
        build(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == 'predict':
        predict(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit('usage: sam_reference.py build OUT SEED | predict CKPT REQ OUT')
