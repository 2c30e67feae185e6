#!/usr/bin/env python3
"""Writes the small TorchScript test model the Java tests use (src/test/resources/models/tiny_bn_torchscript):
a residual CNN with batch norm and dropout, split at its residual block's inner conv (a skip
crosses the cut) and at its last stage, plus expected.json with PyTorch's own eval-mode scores for a
fixed input. Re-run it to regenerate (Debian's python3-torch).
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchscript as ex  # noqa: E402


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))


class TinyNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.block = Block(8)
        self.last = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(16, classes)

    def forward(self, x):
        return self.fc(self.drop(torch.flatten(self.pool(self.last(self.block(self.stem(x)))), 1)))


def main():
    torch.manual_seed(7)
    net = TinyNet()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.3, 0.3)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
    net.eval()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "models")
    out = os.path.join(root, "tiny_bn_torchscript")
    os.makedirs(root, exist_ok=True)
    spec = {"width": 32, "height": 32, "color": "RGB", "layout": "NCHW", "scale": 1 / 255,
            "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}
    ex.export(net, ["last", "block.conv1"], out, spec, [f"class{i}" for i in range(5)], "tiny_bn_torchscript",
              classifier=ex._classifier(net, "fc"))
    x = torch.linspace(-2, 2, 2 * 3 * 32 * 32).reshape(2, 3, 32, 32).sin()
    with torch.no_grad():
        scores = net(x)
    x.requires_grad_(True)
    a = net.last(net.block(net.stem(x)))
    a.retain_grad()
    net.fc(torch.flatten(net.pool(a), 1))[:, 3].sum().backward()
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"input": "sin(linspace(-2, 2, 2*3*32*32)) as [2, 3, 32, 32]", "scores": scores.tolist(),
                   "grad_last_class3": a.grad.flatten().tolist()}, f)
    print("wrote", out)


if __name__ == "__main__":
    main()
