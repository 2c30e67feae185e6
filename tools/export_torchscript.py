#!/usr/bin/env python3
"""Export a PyTorch classifier as a Heatbox model folder ("format": "torchscript").

The model is split at one or more named modules: for each, a trunk (input -> the module's output A)
and a head (A -> pre-softmax scores) are traced to TorchScript, so Heatbox can take dA-gradients
through the head alone. head(trunk(x)) is checked against the whole model on random inputs before
anything is written. Each head takes a zero "probe" added to every later layer's output and returns
those outputs too (--no-taps for plain heads): one forward and one backward then give every later
layer's map (layer fusion, `tune --layers all`). Each trunk is also written as ONNX (`<layer>.trunk.onnx`, unless --no-onnx-trunk):
Heatbox runs it on ONNX Runtime whenever no gradient is asked of the input (every CAM method), 2-4x
faster than the TorchScript trunk on CPU. With --onnx the whole model is also written as ONNX
(black-box methods only).

    python3 tools/export_torchscript.py --arch resnet18 --weights resnet18.pth --layer layer4 \
        --out models/my_resnet

--arch is a torchvision model name or "package.module:factory" for your own class (called with
no arguments, or with num_classes when --num-classes is given). Runs with Debian's python3-torch
(1.13) and python3-torchvision; TorchScript written by 1.13 loads in the libtorch 2.7 that Heatbox uses.
"""
import argparse
import contextlib
import copy
import importlib
import json
import operator
import os
import shutil
import sys
import tempfile

import numpy as np
import torch
import torch.fx as fx


class _SplitTracer(fx.Tracer):
    """Keeps the requested split modules as single graph nodes, even when they are containers."""

    def __init__(self, leaves):
        super().__init__()
        self.leaves = set(leaves)

    def is_leaf_module(self, m, qualname):
        return qualname in self.leaves or super().is_leaf_module(m, qualname)


def split(model, layer, leaves=(), channels_last=False):
    """(trunk, head) GraphModules cut after the module named `layer`.

    Tensors other than A that cross the cut (a skip connection) become extra trunk outputs and
    extra head inputs, in the same order. With `channels_last` (Swin's stages give (N, h, w, C)) the
    trunk returns A permuted to (N, C, h, w) and the head permutes it back, so Heatbox always sees a
    channel-first map.
    """
    tracer = _SplitTracer([layer, *leaves])
    graph = tracer.trace(model)
    root = fx.GraphModule(tracer.root, graph)
    nodes = list(graph.nodes)
    cuts = [n for n in nodes if n.op == "call_module" and n.target == layer]
    if not cuts:
        known = [n.target for n in nodes if n.op == "call_module"]
        raise SystemExit(f"error: module '{layer}' is not called by the model's forward; modules: {', '.join(known)}")
    if len(cuts) > 1:
        raise SystemExit(f"error: module '{layer}' is called {len(cuts)} times; split at a module called once")
    cut = cuts[0]
    at = nodes.index(cut)
    before, after = nodes[: at + 1], nodes[at + 1:]
    after_set = set(after)
    extras = [n for n in before if n is not cut and any(u in after_set for u in n.users)]

    trunk_graph, env = fx.Graph(), {}
    for n in before:
        env[n] = trunk_graph.node_copy(n, lambda a: env[a])
    a = env[cut]
    if channels_last:
        a = trunk_graph.call_method("contiguous", (trunk_graph.call_method("permute", (a, 0, 3, 1, 2)),))
    trunk_graph.output(a if not extras else tuple([a] + [env[e] for e in extras]))

    head_graph, env = fx.Graph(), {}
    env[cut] = head_graph.placeholder("features")
    if channels_last:
        env[cut] = head_graph.call_method("permute", (env[cut], 0, 2, 3, 1))
    for i, e in enumerate(extras):
        env[e] = head_graph.placeholder(f"skip{i}")
    for n in after:
        env[n] = head_graph.node_copy(n, lambda a: env[a])
    return fx.GraphModule(root, trunk_graph).eval(), fx.GraphModule(root, head_graph).eval(), len(extras)


def tap(head, inputs):
    """The head with every later layer tappable: (A, skips..., probe_0, probe_1, ...) -> (scores, out_0, out_1, ...).

    Each leaf module after the cut whose output is a 4-D map larger than 1x1 gets a probe input added to
    its output (zeros change nothing); the sum is also returned. d(score)/d(probe_k) is then the gradient
    at that layer, so one forward and one backward give every layer's activation and gradient, as the
    MXNet engine does in its symbol graph. Returns (module, names, shapes) with shapes [C, h, w].
    """
    from torch.fx.passes.shape_prop import ShapeProp
    gm = fx.GraphModule(head, copy.deepcopy(head.graph))
    ShapeProp(gm).propagate(*inputs)
    graph = gm.graph
    nodes = list(graph.nodes)
    last_placeholder = [n for n in nodes if n.op == "placeholder"][-1]
    names, shapes = [], []
    for n in nodes:
        meta = n.meta.get("tensor_meta")
        if n.op != "call_module" or meta is None or not hasattr(meta, "shape") or len(meta.shape) != 4:
            continue
        if meta.shape[2] * meta.shape[3] <= 1 or not meta.dtype.is_floating_point:
            continue
        with graph.inserting_after(last_placeholder):
            probe = graph.placeholder(f"probe{len(names)}")
        last_placeholder = probe
        users = list(n.users)
        with graph.inserting_after(n):
            tapped = graph.call_function(operator.add, (n, probe))
        for u in users:
            u.replace_input_with(n, tapped)
        names.append(n.name)
        shapes.append([int(d) for d in meta.shape[1:]])
        n.meta["heatbox_tap"] = tapped
    out = [n for n in graph.nodes if n.op == "output"][0]
    taps = [n.meta["heatbox_tap"] for n in graph.nodes if "heatbox_tap" in n.meta]
    out.args = (tuple([out.args[0]] + taps),)
    graph.lint()
    gm.recompile()
    return gm.eval(), names, shapes


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


@contextlib.contextmanager
def _folder(out):
    """A temporary folder beside `out` that replaces it only when the block finishes: nothing half-written."""
    tmp = tempfile.mkdtemp(prefix=".export-", dir=os.path.dirname(os.path.abspath(out)) or ".")
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private
        if os.path.exists(out):
            shutil.rmtree(out)
        os.rename(tmp, out)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)


def _write_spec(folder, spec, labels):
    if len(labels) != spec["classes"]:
        raise SystemExit(f"error: {len(labels)} labels for {spec['classes']} classes")
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("\n".join(labels) + "\n")
    with open(os.path.join(folder, "heatbox-model.json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")


def _onnx(model, example, path):
    torch.onnx.export(model, example, path, input_names=["data"], output_names=["scores"],
                      dynamic_axes={"data": {0: "batch"}, "scores": {0: "batch"}}, opset_version=13,
                      do_constant_folding=False)  # see _onnx_trunk


def _onnx_trunk(trunk, example, n_extra, path):
    """The trunk as ONNX with a free batch size: outputs A ("features") and the skip tensors ("skip0", ...)."""
    outputs = ["features"] + [f"skip{i}" for i in range(n_extra)]
    axes = {name: {0: "batch"} for name in ["data"] + outputs}
    # no constant folding: weights stored in their own type stay so (uint8 + dequantize, as in the
    # TorchScript file); ONNX Runtime folds constants itself when it loads the session
    torch.onnx.export(trunk, example, path, input_names=["data"], output_names=outputs, dynamic_axes=axes,
                      opset_version=13, do_constant_folding=False)


def _example(input_spec, n, gen):
    c = 1 if input_spec.get("color", "RGB").upper() == "GRAY" else 3
    return torch.randn((n, c, input_spec["height"], input_spec["width"]), generator=gen)


class _VitTrunk(torch.nn.Module):
    """torchvision's ViT up to encoder layer k: patch tokens as a map on the patch grid (N, C, h, w), and
    the class token (N, 1, C) as a skip tensor for the head."""

    def __init__(self, vit, k, grid):
        super().__init__()
        self.vit, self.k, self.grid = vit, k, grid

    def forward(self, x):
        v = self.vit
        x = v.conv_proj(x).flatten(2).transpose(1, 2)  # (N, L, C)
        x = torch.cat([v.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = v.encoder.dropout(x + v.encoder.pos_embedding)
        for layer in list(v.encoder.layers)[: self.k + 1]:
            x = layer(x)
        grid = x[:, 1:, :].transpose(1, 2).reshape(x.shape[0], x.shape[2], self.grid[0], self.grid[1])
        return grid, x[:, :1, :]


class _VitHead(torch.nn.Module):
    """The rest of the ViT from the map on the patch grid and the class token to the scores."""

    def __init__(self, vit, k):
        super().__init__()
        self.vit, self.k = vit, k

    def forward(self, grid, cls):
        v = self.vit
        x = torch.cat([cls, grid.flatten(2).transpose(1, 2)], dim=1)
        for layer in list(v.encoder.layers)[self.k + 1:]:
            x = layer(x)
        return v.heads(v.encoder.ln(x)[:, 0])


def _vit_split(model, layer, input_spec):
    """(trunk, head, 1) for torchvision's ViT cut after encoder layer `encoder.layers.encoder_layer_K`."""
    names = [f"encoder.layers.{n}" for n, _ in model.encoder.layers.named_children()]
    if layer not in names:
        raise SystemExit(f"error: a ViT splits after an encoder layer: {', '.join(names)}")
    p = model.patch_size
    grid = (input_spec["height"] // p, input_spec["width"] // p)
    k = names.index(layer)
    return _VitTrunk(model, k, grid).eval(), _VitHead(model, k).eval(), 1


def _is_vit(model):
    try:
        from torchvision.models.vision_transformer import VisionTransformer
    except ImportError:
        return False
    return isinstance(model, VisionTransformer)


def _channels_last(model):
    """torchvision's Swin Transformer: its stages output (N, h, w, C)."""
    try:
        from torchvision.models.swin_transformer import SwinTransformer
    except ImportError:
        return False
    return isinstance(model, SwinTransformer)


def export(model, layers, out, input_spec, labels, name, classifier=None, leaves=(), onnx=False, checks=3, seed=0,
           onnx_trunk=True, taps=True, channels_last=None):
    """Writes the model folder; returns the largest |head(trunk(x)) - model(x)| seen (relative)."""
    model = model.eval()
    if channels_last is None:
        channels_last = _channels_last(model)
    vit = _is_vit(model)
    if (channels_last or vit) and taps:
        print("note: taps are left out for this model (its later layers' outputs are not (N, C, h, w) maps)")
        taps = False
    for m in model.modules():
        if getattr(m, "inplace", False):
            m.inplace = False  # a tapped layer's output must stay what it was when a later ReLU runs
    gen = torch.Generator().manual_seed(seed)
    splits, worst = {}, 0.0
    with _folder(out) as tmp:
        # a ViT traced without grad would record PyTorch's fused attention kernel, which has no backward
        with torch.enable_grad() if vit else torch.no_grad():
            example = _example(input_spec, 2, gen)
            whole = model(example)
            for layer in layers:
                if vit:
                    trunk, head, n_extra = _vit_split(model, layer, input_spec)
                else:
                    trunk, head, n_extra = split(model, layer, leaves, channels_last)
                t = torch.jit.trace(trunk, example, check_trace=False)
                cut = _as_tuple(t(example))
                tap_names, tap_shapes = [], []
                if taps:
                    head, tap_names, tap_shapes = tap(head, cut)
                    zeros = tuple(torch.zeros((example.shape[0], *sh)) for sh in tap_shapes)
                    h = torch.jit.trace(head, cut + zeros, check_trace=False)
                else:
                    h = torch.jit.trace(head, cut, check_trace=False)

                def scores(x):
                    a = _as_tuple(t(x))
                    if not taps:
                        return h(*a)
                    return h(*(a + tuple(torch.zeros((x.shape[0], *sh)) for sh in tap_shapes)))[0]
                for _ in range(checks):
                    x = _example(input_spec, 2, gen) * 2
                    diff = (scores(x) - model(x)).abs().max().item()
                    scale = model(x).abs().max().item()
                    worst = max(worst, diff / max(scale, 1e-6))
                    if diff > 1e-4 * max(1.0, scale):
                        raise SystemExit(f"error: head(trunk(x)) differs from the model by {diff:.3g} at layer '{layer}'")
                a = _as_tuple(t(example))[0]
                files = {"trunk": f"{layer}.trunk.pt", "head": f"{layer}.head.pt"}
                t.save(os.path.join(tmp, files["trunk"]))
                h.save(os.path.join(tmp, files["head"]))
                if onnx_trunk:
                    try:
                        _onnx_trunk(trunk, example, n_extra, os.path.join(tmp, f"{layer}.trunk.onnx"))
                        files["trunk_onnx"] = f"{layer}.trunk.onnx"
                    except Exception as e:  # an operator ONNX cannot express: Heatbox runs the TorchScript trunk
                        print(f"note: no ONNX trunk for {layer} ({type(e).__name__}: {str(e).splitlines()[0][:120]})")
                splits[layer] = dict(files, shape=list(a.shape[1:]), skips=n_extra)
                if channels_last:
                    splits[layer]["layout"] = "NHWC"  # what the model computes; trunk and head permute, A is NCHW
                if vit:
                    splits[layer]["layout"] = "tokens"  # patch tokens on the patch grid; the class token is skip0
                if taps:
                    splits[layer].update(taps=tap_names, tap_shapes=tap_shapes)
        spec = {"name": name, "format": "torchscript", "splits": splits, "layer": layers[0],
                "input": input_spec, "labels": "labels.txt", "classes": int(whole.shape[1])}
        if classifier is not None:
            weight, bias = classifier
            np.save(os.path.join(tmp, "classifier-weight.npy"), weight.astype(np.float32))
            spec["classifier"] = {"weight": "classifier-weight.npy"}
            if bias is not None:
                np.save(os.path.join(tmp, "classifier-bias.npy"), bias.astype(np.float32))
                spec["classifier"]["bias"] = "classifier-bias.npy"
        if onnx:
            spec["files"] = {"onnx": "model.onnx"}
            _onnx(model, example, os.path.join(tmp, "model.onnx"))
        _write_spec(tmp, spec, labels)
    return worst


def only_onnx(model, out, input_spec, labels, name, seed=0):
    """An ONNX-only folder ("format": "onnx"): the whole model, for black-box methods and labelling."""
    model = model.eval()
    example = _example(input_spec, 1, torch.Generator().manual_seed(seed))
    with _folder(out) as tmp:
        with torch.no_grad():
            classes = int(model(example).shape[1])
        _onnx(model, example, os.path.join(tmp, "model.onnx"))
        _write_spec(tmp, {"name": name, "format": "onnx", "files": {"onnx": "model.onnx"}, "input": input_spec,
                          "labels": "labels.txt", "classes": classes}, labels)


def _build(arch, num_classes):
    if ":" in arch:
        mod, fn = arch.split(":", 1)
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as e:
            raise SystemExit(f"error: --arch {arch}: cannot import module '{mod}' ({e.msg}). The module must be importable:"
                             f" run from the folder that holds {mod.replace('.', '/')}.py or add that folder to PYTHONPATH"
                             f" (PYTHONPATH=/path/to/code python3 tools/export_torchscript.py ...). '{fn}' is then called"
                             " with no arguments, or as {fn}(num_classes=N) with --num-classes, and returns an nn.Module.")
        if not hasattr(module, fn):
            raise SystemExit(f"error: --arch {arch}: module '{mod}' has no '{fn}'")
        factory = getattr(module, fn)
    else:
        import torchvision.models as tvm
        if not hasattr(tvm, arch):
            raise SystemExit(f"error: torchvision has no model '{arch}' (or give package.module:factory for your own)")
        factory = getattr(tvm, arch)
    return factory(num_classes=num_classes) if num_classes else factory()


def _number(text):
    """A float, also written as a fraction ("1/255"), as the README and most preprocessing code write it."""
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            return float(num) / float(den)
        return float(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: '{text}'")


def _classifier(model, name):
    m = dict(model.named_modules()).get(name)
    if m is None or not hasattr(m, "weight"):
        raise SystemExit(f"error: --classifier '{name}' is not a module with a weight")
    w = m.weight.detach().numpy()
    w = w.reshape(w.shape[0], -1)
    b = m.bias.detach().numpy() if getattr(m, "bias", None) is not None else None
    return w, b


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--arch", required=True,
                   help="torchvision model name (resnet50, efficientnet_b0, ...) or package.module:factory for your own"
                        " class (importable: on PYTHONPATH; called with no arguments, or num_classes=N)")
    p.add_argument("--weights", help="state_dict file (.pth); without it the factory's own weights")
    p.add_argument("--num-classes", type=int, help="passed to the factory as num_classes (none: the factory's own)")
    p.add_argument("--layer", action="append", required=True,
                   help="module to split at, as in model.named_modules() (repeat for several; the first is the default"
                        " layer Heatbox explains). Where to split: the README's table")
    p.add_argument("--classifier", help="the linear/1x1-conv module after global average pooling (for CAM)")
    p.add_argument("--labels", help="text file, one class name a line (none: class0, class1, ...)")
    p.add_argument("--size", type=int, default=224, help="input width and height; Heatbox resizes the whole photo to it"
                                                          " (no crop)")
    p.add_argument("--resize", default="linear", choices=["linear", "area"],
                   help="how Heatbox resizes photos to --size: bilinear, no antialiasing (linear; as PIL's and torchvision's"
                        " resize without antialias) or OpenCV's INTER_AREA (area; like antialiased downscaling)")
    p.add_argument("--color", default="RGB", choices=["RGB", "GRAY"], help="channel order the model expects")
    p.add_argument("--scale", type=_number, default=1 / 255,
                   help="pixel (0..255) x scale before mean/std; a number or a fraction such as 1/255")
    p.add_argument("--mean", type=float, nargs="+", default=[0.485, 0.456, 0.406],
                   help="subtracted per channel after --scale (one value for all channels allowed)")
    p.add_argument("--std", type=float, nargs="+", default=[0.229, 0.224, 0.225],
                   help="divided per channel after the mean (one value for all channels allowed)")
    p.add_argument("--onnx", action="store_true", help="also write model.onnx (black-box methods)")
    p.add_argument("--no-taps", action="store_true",
                   help="plain heads: no layer after a split can be tapped (fusion, tune --layers all need taps)")
    p.add_argument("--no-onnx-trunk", action="store_true",
                   help="do not write <layer>.trunk.onnx (then Heatbox runs every trunk on PyTorch)")
    p.add_argument("--out", required=True, help="the model folder to write (replaced only when everything checked out)")
    a = p.parse_args(argv)
    model = _build(a.arch, a.num_classes)
    if a.weights:
        state = torch.load(a.weights, map_location="cpu")
        model.load_state_dict(state.get("state_dict", state) if isinstance(state, dict) else state)
    with torch.no_grad():
        c = 1 if a.color == "GRAY" else 3
        classes = int(model.eval()(torch.zeros(1, c, a.size, a.size)).shape[1])
    if a.labels:
        with open(a.labels) as f:
            labels = [l.rstrip("\n") for l in f if l.strip()]
    else:
        labels = [f"class{i}" for i in range(classes)]
    # Heatbox feeds x = (pixel * scale - mean) / std, pixel in 0..255: torchvision's mean/std as they are
    spec = {"width": a.size, "height": a.size, "color": a.color, "layout": "NCHW", "scale": a.scale,
            "mean": a.mean, "std": a.std}
    if a.resize != "linear":
        spec["resize"] = a.resize
    cls = _classifier(model, a.classifier) if a.classifier else None
    worst = export(model, a.layer, a.out, spec, labels, os.path.basename(os.path.normpath(a.out)), cls, onnx=a.onnx,
                   onnx_trunk=not a.no_onnx_trunk, taps=not a.no_taps)
    print(f"wrote {a.out}: {len(a.layer)} split(s), head(trunk(x)) within {worst:.2g} (relative) of the model;"
          f" default layer {a.layer[0]} (heatbox layers --model {a.out} lists every split and tap)")


if __name__ == "__main__":
    sys.exit(main())
