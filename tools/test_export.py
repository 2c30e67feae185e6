#!/usr/bin/env python3
"""Tests of export_torchscript.py (CI runs them with Debian's python3-torch): the split of a
torchvision ResNet at several modules round-trips, a skip connection crossing the cut becomes an
extra trunk output, a module that is not there is refused with the known names, and the folder
written holds what Heatbox reads.

    python3 -m unittest discover -s tools -p 'test_*.py'
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch
import torch.nn as nn
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchscript as ex  # noqa: E402

SPEC = {"width": 64, "height": 64, "color": "RGB", "layout": "NCHW", "scale": 1 / 255,
        "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}


def _resnet():
    torch.manual_seed(0)
    m = tvm.resnet18(num_classes=7).eval()
    # non-trivial batch-norm statistics, so eval mode differs from training mode
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
    return m


class ExportTest(unittest.TestCase):
    def test_head_of_trunk_is_the_model_at_every_split(self):
        m = _resnet()
        x = torch.randn(3, 3, 64, 64)
        with torch.no_grad():
            want = m(x)
            for layer in ["layer2", "layer4", "layer3.1.conv1"]:
                trunk, head, skips = ex.split(m, layer)
                out = trunk(x)
                got = head(*out) if isinstance(out, tuple) else head(out)
                self.assertLess((got - want).abs().max().item(), 1e-5, layer)
                # inside a residual block the block's input crosses the cut
                self.assertEqual(skips, 1 if layer == "layer3.1.conv1" else 0, layer)

    def test_folder_round_trip_and_eval_mode_is_baked_in(self):
        m = _resnet()
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r18")
            ex.export(m, ["layer4", "layer3.1.conv1"], out, SPEC, [f"c{i}" for i in range(7)], "r18",
                      classifier=ex._classifier(m, "fc"))
            with open(os.path.join(out, "heatbox-model.json")) as f:
                spec = json.load(f)
            self.assertEqual(spec["format"], "torchscript")
            self.assertEqual(list(spec["splits"]), ["layer4", "layer3.1.conv1"])
            self.assertEqual(spec["splits"]["layer4"]["shape"], [512, 2, 2])
            self.assertEqual(spec["classes"], 7)
            t = torch.jit.load(os.path.join(out, spec["splits"]["layer3.1.conv1"]["trunk"]))
            h = torch.jit.load(os.path.join(out, spec["splits"]["layer3.1.conv1"]["head"]))
            # Heatbox calls traced modules in training mode (so autograd can record): must not matter
            t.train()
            h.train()
            x = torch.randn(2, 3, 64, 64)
            split = spec["splits"]["layer3.1.conv1"]
            probes = [torch.zeros((2, *shape)) for shape in split["tap_shapes"]]  # zero probes change nothing
            with torch.no_grad():
                self.assertLess((h(*t(x), *probes)[0] - m(x)).abs().max().item(), 1e-5)

    def test_a_tap_gives_the_layers_output_and_gradient(self):
        """The head of a split at layer2 taps layer3's last ReLU: the same output and d(score)/d(output) as a hook."""
        m = _resnet()
        x = torch.randn(2, 3, 64, 64)
        trunk, head, _ = ex.split(m, "layer2")
        a = trunk(x)
        tapped, names, shapes = ex.tap(head, (a,))
        k = names.index("layer3_1_relu_1")  # the second call of layer3[1].relu: the block's output
        self.assertEqual(shapes[k], [256, 4, 4])
        probes = [torch.zeros((2, *sh), requires_grad=(i == k)) for i, sh in enumerate(shapes)]
        out = tapped(a.detach(), *probes)
        scores, act = out[0], out[1 + k]
        scores[:, 3].sum().backward()
        seen = {}
        m.layer3.register_forward_hook(lambda mod, i, o: seen.update(out=o))
        y = m(x)
        self.assertLess((y - scores).abs().max().item(), 1e-5)
        self.assertLess((seen["out"] - act).abs().max().item(), 1e-5)
        want = torch.autograd.grad(y[:, 3].sum(), seen["out"])[0]
        self.assertLess((want - probes[k].grad).abs().max().item(), 1e-5)
        # layers after global pooling (1x1) and non-map outputs are not taps
        self.assertNotIn("avgpool", names)
        self.assertNotIn("fc", names)

    def test_swin_stages_are_given_to_heatbox_channel_first(self):
        """Swin's stages are (N, h, w, C): the trunk hands Heatbox (N, C, h, w), the head takes it back."""
        torch.manual_seed(0)
        m = tvm.swin_t(num_classes=4).eval()
        self.assertTrue(ex._channels_last(m))
        x = torch.randn(2, 3, 64, 64)
        seen = {}
        m.features[5].register_forward_hook(lambda mod, i, o: seen.update(out=o))
        with torch.no_grad():
            want = m(x)
            trunk, head, _ = ex.split(m, "features.5", channels_last=True)
            a = trunk(x)
            self.assertEqual(list(a.shape), [2, seen["out"].shape[3], seen["out"].shape[1], seen["out"].shape[2]])
            self.assertLess((a - seen["out"].permute(0, 3, 1, 2)).abs().max().item(), 1e-6)
            self.assertLess((head(a) - want).abs().max().item(), 1e-5)

    def test_vit_tokens_become_a_map_on_the_patch_grid(self):
        """A ViT cut after an encoder layer: A is the patch tokens on the grid, its gradient the tokens' gradient."""
        from torchvision.models.vision_transformer import VisionTransformer
        torch.manual_seed(0)
        m = VisionTransformer(image_size=64, patch_size=16, num_layers=3, num_heads=2, hidden_dim=32, mlp_dim=64,
                              num_classes=4).eval()
        nn.init.normal_(m.heads.head.weight, std=0.5)  # torchvision starts it at zero: no gradient at all
        self.assertTrue(ex._is_vit(m))
        x = torch.randn(2, 3, 64, 64)
        seen = {}
        m.encoder.layers[1].register_forward_hook(lambda mod, i, o: seen.update(out=o))
        want = m(x)
        tokens = seen["out"]
        g_want = torch.autograd.grad(want[:, 1].sum(), tokens)[0][:, 1:, :]  # the patch tokens' gradient
        trunk, head, skips = ex._vit_split(m, "encoder.layers.encoder_layer_1", {"height": 64, "width": 64})
        self.assertEqual(skips, 1, "the class token crosses the cut")
        a, cls = trunk(x)
        self.assertEqual(list(a.shape), [2, 32, 4, 4])
        self.assertLess((a.flatten(2).transpose(1, 2) - tokens[:, 1:, :]).abs().max().item(), 1e-5)
        a = a.detach().requires_grad_(True)
        got = head(a, cls.detach())
        self.assertLess((got - want).abs().max().item(), 1e-5)
        got[:, 1].sum().backward()
        self.assertGreater(g_want.abs().max().item(), 0)
        self.assertLess((a.grad.flatten(2).transpose(1, 2) - g_want).abs().max().item(), 1e-5)
        with self.assertRaises(SystemExit):
            ex._vit_split(m, "encoder.ln", {"height": 64, "width": 64})

    def test_friction_points_of_the_command_line(self):
        # --scale as the README writes it
        self.assertAlmostEqual(ex._number("1/255"), 1 / 255)
        self.assertEqual(ex._number("0.5"), 0.5)
        # a factory module that is not importable: the error says PYTHONPATH and the factory's signature
        with self.assertRaises(SystemExit) as e:
            ex._build("no_such_module_here:build", None)
        self.assertIn("PYTHONPATH", str(e.exception))
        self.assertIn("num_classes", str(e.exception))
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "m")
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export_torchscript.py")
            r = subprocess.run([sys.executable, script, "--arch", "resnet18", "--num-classes", "3", "--layer", "layer4",
                                "--size", "64", "--scale", "1/255", "--resize", "area", "--no-onnx-trunk", "--out", out],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("default layer layer4", r.stdout)
            with open(os.path.join(out, "heatbox-model.json")) as f:
                spec = json.load(f)
            self.assertEqual(spec["input"]["resize"], "area")
            self.assertAlmostEqual(spec["input"]["scale"], 1 / 255)
            h = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True).stdout
            h = h[h.index("options:"):]
            for option in ["--size", "--scale", "--mean", "--std", "--num-classes", "--color", "--resize"]:
                at = h.index("  " + option)
                entry = h[at:h.find("\n  --", at + 3)]
                self.assertIn("default", entry, option + " shows its default")
                self.assertGreater(len(entry.split()), 6, option + " has a help text")

    def test_unknown_module_is_refused_with_the_known_ones(self):
        with self.assertRaises(SystemExit) as e:
            ex.split(_resnet(), "layer9")
        self.assertIn("layer9", str(e.exception))
        self.assertIn("layer4", str(e.exception))

    def test_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            w = os.path.join(d, "w.pth")
            torch.save(_resnet().state_dict(), w)
            out = os.path.join(d, "cli")
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "export_torchscript.py")
            r = subprocess.run([sys.executable, script, "--arch", "resnet18", "--num-classes", "7", "--weights", w,
                                "--layer", "layer4", "--classifier", "fc", "--size", "64", "--out", out],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.isfile(os.path.join(out, "classifier-weight.npy")))
            with open(os.path.join(out, "labels.txt")) as f:
                self.assertEqual(len(f.read().split("\n")), 8)


if __name__ == "__main__":
    unittest.main()
