"""A segment.prompt3d test model: logits = gain * (image channel A - 0.5), whatever the prompt.
usage: make_test_model3d.py OUT.onnx G CHANNELS"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out, G, C = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, C, G, G, G])
y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1, G, G, G])
init = [
    helper.make_tensor("starts", TensorProto.INT64, [1], [0]),
    helper.make_tensor("ends", TensorProto.INT64, [1], [1]),
    helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
    helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
    helper.make_tensor("gain", TensorProto.FLOAT, [], [20.0]),
]
nodes = [
    helper.make_node("Slice", ["input", "starts", "ends", "axes"], ["a"]),
    helper.make_node("Sub", ["a", "half"], ["d"]),
    helper.make_node("Mul", ["d", "gain"], ["logits"]),
]
g = helper.make_graph(nodes, "threshold3d", [x], [y], init)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out)
