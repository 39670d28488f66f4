"""Recover a PyTorch state dict from a shipped RadSAM-lite ONNX file.

torch.onnx.export (eval mode) folds every BatchNorm into the convolution before it, so the ONNX
file holds conv weights + biases where the model has conv (no bias) + BatchNorm. The recovered
state dict puts the folded bias into the BatchNorm's shift with scale 1, mean 0 and variance
1 - eps, which makes the PyTorch model compute exactly what the ONNX file computes in eval mode.
Fine-tuning from it must keep the BatchNorm layers in eval mode (train.py --freeze-bn), since
batch statistics would undo the folding.

  /usr/bin/python3 native-models/training/radsam/from_onnx.py native-models/radsam-lite/radsam-lite.onnx /tmp/r.pt
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import RadSamLite  # noqa: E402


def conv_bn_pairs():
    """(conv, bn) module-name pairs in the order the forward pass runs them."""
    pairs = [("stem.0", "stem.1")]
    for block in ("s1", "e1", "e2", "e3", "e4", "d3", "d2", "d1", "d0"):
        pairs += [(f"{block}.c1", f"{block}.b1"), (f"{block}.c2", f"{block}.b2")]
    return pairs


def state_dict_from_onnx(path):
    g = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    model = RadSamLite()
    sd = model.state_dict()
    # folded convolutions in graph order: every Conv whose weight is not a named parameter
    folded = []
    for n in g.node:
        if n.op_type == "Conv" and n.input[1] in inits and n.input[1] not in sd:
            folded.append((inits[n.input[1]], inits[n.input[2]] if len(n.input) > 2 else None))
    pairs = conv_bn_pairs()
    if len(folded) != len(pairs):
        raise ValueError(f"{path}: {len(folded)} folded convolutions, the model has {len(pairs)}")
    modules = dict(model.named_modules())
    out = {}
    for (conv, bn), (w, b) in zip(pairs, folded):
        if tuple(w.shape) != tuple(sd[conv + ".weight"].shape):
            raise ValueError(f"{conv}: ONNX weight {w.shape} vs model {tuple(sd[conv + '.weight'].shape)}")
        eps = modules[bn].eps
        c = w.shape[0]
        out[conv + ".weight"] = torch.from_numpy(w.copy())
        out[bn + ".weight"] = torch.ones(c)
        out[bn + ".bias"] = torch.from_numpy((b if b is not None else np.zeros(c, np.float32)).copy())
        out[bn + ".running_mean"] = torch.zeros(c)
        out[bn + ".running_var"] = torch.full((c,), 1.0 - eps)
        out[bn + ".num_batches_tracked"] = torch.tensor(0)
    for k in sd:
        if k not in out:
            if k not in inits:
                raise ValueError(f"{path}: no initializer for {k}")
            out[k] = torch.from_numpy(inits[k].copy())
    return out


if __name__ == "__main__":
    sd = state_dict_from_onnx(sys.argv[1])
    m = RadSamLite()
    m.load_state_dict(sd)
    torch.save(sd, sys.argv[2])
    print("wrote", sys.argv[2], sum(v.numel() for v in sd.values()), "values")
