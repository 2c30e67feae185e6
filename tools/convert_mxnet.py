#!/usr/bin/env python3
"""Rebuild a shipped MXNet symbol model in PyTorch and export it with export_torchscript.py.

Reads the symbol JSON and the binary .params file directly (no MXNet needed), builds a module with
one submodule per graph node under the node's own name (so `--layer l61_conv_2d_relu6` means the
same on both engines), keeps uint8 weights uint8 and dequantizes them in the forward pass exactly
as the MXNet graph does (Cast -> minus zero point -> times scale, in float32), and stops before a
trailing softmax (Heatbox explains pre-softmax scores).

    python3 tools/convert_mxnet.py --model models/mobilenet_v2_1.0_224 \
        --layer l61_conv_2d_relu6 --layer l44_conv_2d_relu6 --out models/mobilenet_v2_1.0_224_torchscript
    python3 tools/convert_mxnet.py --model models/mobilenet_v1_0.25_128 --onnx-only --out models/mobilenet_v1_0.25_128_onnx
"""
import argparse
import ast
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchscript  # noqa: E402

# MXNet's type flags (mshadow): index -> numpy dtype
_DTYPES = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32, 5: np.int8, 6: np.int64}


def read_params(path):
    """MXNet's NDArray list file (NDArray::Save, dense arrays): {name: numpy array}."""
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return v

    magic, _ = take("<QQ")
    if magic != 0x112:
        raise SystemExit(f"error: {path}: not an MXNet NDArray file")
    (count,) = take("<Q")
    arrays = []
    for _ in range(count):
        (m,) = take("<I")
        if m not in (0xF993FAC9, 0xF993FACA):
            raise SystemExit(f"error: {path}: unsupported NDArray record (magic {m:#x})")
        (stype,) = take("<i")
        if stype != 0:
            raise SystemExit(f"error: {path}: sparse arrays are not supported")
        (ndim,) = take("<I")
        shape = take(f"<{ndim}q") if ndim else ()
        take("<ii")  # context: device type and id
        (flag,) = take("<i")
        dt = np.dtype(_DTYPES[flag])
        n = int(np.prod(shape)) if ndim else 0
        arrays.append(np.frombuffer(buf, dtype=dt, count=n, offset=pos).reshape(shape).copy())
        pos += n * dt.itemsize
    (nnames,) = take("<Q")
    names = []
    for _ in range(nnames):
        (ln,) = take("<Q")
        names.append(buf[pos:pos + ln].decode())
        pos += ln
    return {(k.split(":", 1)[1] if ":" in k else k): v for k, v in zip(names, arrays)}


def _tuple(s):
    v = ast.literal_eval(s)
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class Weight(nn.Module):
    """A stored parameter and its dequantization chain (Cast, -zero point, *scale), run in float32."""

    def __init__(self, raw, steps):
        super().__init__()
        self.register_buffer("raw", torch.from_numpy(raw))
        self.steps = steps

    def forward(self):
        w = self.raw
        for op, v in self.steps:
            if op == "cast":
                w = w.to(torch.float32)
            elif op == "sub":
                w = w - v
            elif op == "add":
                w = w + v
            elif op == "mul":
                w = w * v
            else:
                w = w / v
        return w


class Conv(nn.Module):
    def __init__(self, weight, bias, stride, pad, dilate, groups):
        super().__init__()
        self.weight, self.bias = weight, bias
        self.stride, self.pad, self.dilate, self.groups = stride, pad, dilate, groups

    def forward(self, x):
        b = self.bias() if self.bias is not None else None
        return F.conv2d(x, self.weight(), b, self.stride, self.pad, self.dilate, self.groups)


class Add(nn.Module):
    def forward(self, a, b):
        return a + b


class GraphNet(nn.Module):
    """The MXNet graph from its input to `output`, one submodule per operator node."""

    def __init__(self, symbol, params, output):
        super().__init__()
        nodes = symbol["nodes"]
        self.plan = []  # (module name, [input node indices]) in graph order
        self.nodes = nodes
        weights = {}
        for i, n in enumerate(nodes):
            if i > output:
                break
            op, name, attrs = n["op"], n["name"], n.get("attrs", {})
            ins = [j for j, _, _ in n["inputs"]]
            if op == "null":
                if name in params:
                    weights[i] = (params[name], [])
                continue
            if op in ("Cast", "cast", "_minus_scalar", "_plus_scalar", "_mul_scalar", "_div_scalar") and ins[0] in weights:
                raw, steps = weights[ins[0]]
                kind = {"Cast": "cast", "cast": "cast", "_minus_scalar": "sub", "_plus_scalar": "add",
                        "_mul_scalar": "mul", "_div_scalar": "div"}[op]
                # MXNet casts the scalar to the array's type (float32) before the arithmetic
                v = float(np.float32(attrs["scalar"])) if kind != "cast" else None
                weights[i] = (raw, steps + [(kind, v)])
                continue
            if op == "Convolution":
                w = Weight(*weights[ins[1]])
                b = Weight(*weights[ins[2]]) if attrs.get("no_bias", "False") != "True" and len(ins) > 2 else None
                mod = Conv(w, b, _tuple(attrs.get("stride", "(1, 1)")), _tuple(attrs.get("pad", "(0, 0)")),
                           _tuple(attrs.get("dilate", "(1, 1)")), int(attrs.get("num_group", "1")))
                ins = ins[:1]
            elif op == "clip":
                mod = nn.Hardtanh(float(attrs["a_min"]), float(attrs["a_max"]))
            elif op == "Activation" and attrs.get("act_type") == "relu":
                mod = nn.ReLU()
            elif op == "Pad":
                pw = _tuple(attrs["pad_width"])  # (N0, N1, C0, C1, H0, H1, W0, W1)
                if attrs.get("mode", "constant") != "constant" or float(attrs.get("constant_value", "0")) != 0 or any(pw[:4]):
                    raise SystemExit(f"error: Pad node {name}: only zero padding of H and W is supported")
                mod = nn.ZeroPad2d((pw[6], pw[7], pw[4], pw[5]))
            elif op == "elemwise_add":
                mod = Add()
            elif op == "Pooling" and attrs.get("global_pool") == "True" and attrs.get("pool_type") == "avg":
                mod = nn.AdaptiveAvgPool2d(1)
            elif op == "Flatten":
                mod = nn.Flatten()
            else:
                raise SystemExit(f"error: node {name}: operator {op} is not supported by this converter")
            self.add_module(name, mod)
            self.plan.append((i, name, ins))

    def forward(self, x):
        values = {0: x}
        for i, name, ins in self.plan:
            values[i] = getattr(self, name)(*[values[j] for j in ins])
        return values[self.plan[-1][0]]


def load(model_dir):
    with open(os.path.join(model_dir, "heatbox-model.json")) as f:
        spec = json.load(f)
    with open(os.path.join(model_dir, spec["files"]["symbol"])) as f:
        symbol = json.load(f)
    params = read_params(os.path.join(model_dir, spec["files"]["params"]))
    nodes = symbol["nodes"]
    out = symbol["heads"][0][0]
    if nodes[out]["op"] in ("softmax", "SoftmaxActivation", "SoftmaxOutput"):
        out = nodes[out]["inputs"][0][0]
    net = GraphNet(symbol, params, out).eval()
    with open(os.path.join(model_dir, spec["labels"])) as f:
        labels = [l.rstrip("\n") for l in f]
    classifier = None
    cw = (spec.get("classifier") or {}).get("weight")
    if cw:
        conv_name = cw.replace("_weight_deq", "").replace("_weight", "")
        conv = getattr(net, conv_name)
        with torch.no_grad():
            w = conv.weight().numpy()
            b = conv.bias().numpy() if conv.bias is not None else None
        classifier = (w.reshape(w.shape[0], -1), b)
    return net, spec, labels, classifier


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="a Heatbox mxnet-symbol model folder")
    p.add_argument("--layer", action="append", help="node to split at (repeat); default: the folder's layer")
    p.add_argument("--onnx", action="store_true", help="also write model.onnx")
    p.add_argument("--onnx-only", action="store_true", help="write an ONNX-only folder (format onnx)")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    net, spec, labels, classifier = load(a.model)
    name = os.path.basename(os.path.normpath(a.out))
    leaves = [n for _, n, _ in net.plan]
    if a.onnx_only:
        export_torchscript.only_onnx(net, a.out, spec["input"], labels, name)
        print(f"wrote {a.out} (onnx)")
        return 0
    layers = a.layer or [spec["layer"]]
    worst = export_torchscript.export(net, layers, a.out, spec["input"], labels, name, classifier, leaves=leaves,
                                      onnx=a.onnx)
    print(f"wrote {a.out}: {len(layers)} split(s), head(trunk(x)) within {worst:.2g} (relative) of the model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
