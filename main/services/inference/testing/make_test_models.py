#!/usr/bin/env python3
"""Tiny ONNX models with the segment.prompt2d interface of docs/model-packs.md, whose outputs are
known exactly, so the engine's prompt encoding, crop geometry, propagation and stop rules can be
tested without a trained network. Written with onnx's helper API (Debian: apt-get install python3-onnx).

usage: make_test_models.py OUT_DIR S [DISC_RADIUS_PX] [DISC_IOU]

Writes into OUT_DIR:
  disc.onnx             mask = disc of DISC_RADIUS_PX crop pixels around the FIRST point when its label is 1
                        (logits r^2 - d^2, pixel centres at c + 0.5), else all -10; iou = DISC_IOU
  threshold.onnx        mask logits = 20 (image - 0.5): everything brighter than mid-window; iou = max(image)
  encoder.onnx          image -> image_embeddings (identity), for split encoder/decoder packs
  decoder.onnx          image_embeddings + prompts -> the threshold model's outputs
  bad-renamed.onnx      disc with input "image" renamed "img"
  bad-dtype.onnx        disc with point_labels int64
  bad-rank.onnx         disc with has_mask_input of shape [1, 1]
  bad-size.onnx         disc built for a crop of S/2
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, arr):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(arr), name + "_v"))


def prompt_inputs(s, labels_dtype=TensorProto.FLOAT, has_mask_shape=(1,), image_name="image", with_image=True):
    ins = []
    if with_image:
        ins.append(vi(image_name, TensorProto.FLOAT, [1, 1, s, s]))
    ins += [
        vi("point_coords", TensorProto.FLOAT, [1, "N", 2]),
        vi("point_labels", labels_dtype, [1, "N"]),
        vi("mask_input", TensorProto.FLOAT, [1, 1, s // 4, s // 4]),
        vi("has_mask_input", TensorProto.FLOAT, list(has_mask_shape)),
    ]
    return ins


def outputs(s):
    return [vi("masks", TensorProto.FLOAT, [1, 1, s, s]), vi("iou_predictions", TensorProto.FLOAT, [1, 1])]


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="voxa-test-models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def disc(s, radius, iou, path, **kw):
    c = np.arange(s, dtype=np.float32) + 0.5
    gx = np.broadcast_to(c.reshape(1, 1, 1, s), (1, 1, s, s)).astype(np.float32)
    gy = np.broadcast_to(c.reshape(1, 1, s, 1), (1, 1, s, s)).astype(np.float32)
    labels_in = "point_labels"
    nodes = [
        const("gx", gx), const("gy", gy), const("r2", np.float32(radius * radius)), const("neg", np.float32(-10.0)),
        const("one", np.float32(1.0)), const("iou", np.full((1, 1), iou, np.float32)),
        const("s0", np.array([0, 0, 0], np.int64)), const("ex", np.array([1, 1, 1], np.int64)), const("ey", np.array([1, 1, 2], np.int64)),
        const("sy", np.array([0, 0, 1], np.int64)), const("l0", np.array([0, 0], np.int64)), const("l1", np.array([1, 1], np.int64)),
        helper.make_node("Slice", ["point_coords", "s0", "ex"], ["px"]),
        helper.make_node("Slice", ["point_coords", "sy", "ey"], ["py"]),
    ]
    if kw.get("labels_dtype") == TensorProto.INT64:
        nodes.append(helper.make_node("Cast", ["point_labels"], ["labels_f"], to=TensorProto.FLOAT))
        labels_in = "labels_f"
    nodes += [
        helper.make_node("Slice", [labels_in, "l0", "l1"], ["lab0"]),
        helper.make_node("Sub", ["gx", "px"], ["dx"]),
        helper.make_node("Sub", ["gy", "py"], ["dy"]),
        helper.make_node("Mul", ["dx", "dx"], ["dx2"]),
        helper.make_node("Mul", ["dy", "dy"], ["dy2"]),
        helper.make_node("Add", ["dx2", "dy2"], ["d2"]),
        helper.make_node("Sub", ["r2", "d2"], ["disc"]),
        helper.make_node("Equal", ["lab0", "one"], ["ispos"]),
        helper.make_node("Where", ["ispos", "disc", "neg"], ["masks"]),
        helper.make_node("Identity", ["iou"], ["iou_predictions"]),
    ]
    ins = prompt_inputs(s, **kw)
    save(helper.make_graph(nodes, "disc", ins, outputs(s)), path)


def threshold_nodes(src):
    return [
        const("half", np.float32(0.5)), const("gain", np.float32(20.0)), const("shape11", np.array([1, 1], np.int64)),
        helper.make_node("Sub", [src, "half"], ["centred"]),
        helper.make_node("Mul", ["centred", "gain"], ["masks"]),
        helper.make_node("ReduceMax", [src], ["peak"], keepdims=1),
        helper.make_node("Reshape", ["peak", "shape11"], ["iou_predictions"]),
    ]


def main():
    out, s = sys.argv[1], int(sys.argv[2])
    radius = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    iou = float(sys.argv[4]) if len(sys.argv) > 4 else 0.9
    disc(s, radius, iou, f"{out}/disc.onnx")
    save(helper.make_graph(threshold_nodes("image"), "threshold", prompt_inputs(s), outputs(s)), f"{out}/threshold.onnx")
    enc = helper.make_graph([helper.make_node("Identity", ["image"], ["image_embeddings"])], "encoder",
                           [vi("image", TensorProto.FLOAT, [1, 1, s, s])], [vi("image_embeddings", TensorProto.FLOAT, [1, 1, s, s])])
    save(enc, f"{out}/encoder.onnx")
    dec_in = [vi("image_embeddings", TensorProto.FLOAT, [1, 1, s, s])] + prompt_inputs(s, with_image=False)
    save(helper.make_graph(threshold_nodes("image_embeddings"), "decoder", dec_in, outputs(s)), f"{out}/decoder.onnx")
    disc(s, radius, iou, f"{out}/bad-renamed.onnx", image_name="img")
    disc(s, radius, iou, f"{out}/bad-dtype.onnx", labels_dtype=TensorProto.INT64)
    disc(s, radius, iou, f"{out}/bad-rank.onnx", has_mask_shape=(1, 1))
    disc(s // 2, radius, iou, f"{out}/bad-size.onnx")


if __name__ == "__main__":
    main()
