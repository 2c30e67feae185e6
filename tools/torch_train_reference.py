#!/usr/bin/env python3
"""The reference for Heatbox's CAM-network training speed: a plain PyTorch loop over the same
network (configs/train-cam-digits.json: 3x3 conv + ReLU stages [16] [32] [64, 64] with 2x2 max
pooling between them, global average pooling, one linear layer kept non-negative), Adam, the same
batch size, on random inputs of the same size. Prints one JSON line with images/s.

    python3 tools/torch_train_reference.py [--threads 2] [--steps 60] [--config configs/train-cam-digits.json]

Runs with Debian's python3-torch; `heatbox bench` runs it beside its own training when it finds it.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn


def network(stages, in_ch, classes):
    layers, c = [], in_ch
    for s, widths in enumerate(stages):
        if s > 0:
            layers.append(nn.MaxPool2d(2))
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
            c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--config", default=os.path.join(here, "..", "configs", "train-cam-digits.json"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--warmup", type=int, default=5)
    a = p.parse_args()
    with open(a.config) as f:
        cfg = json.load(f)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    size, batch = cfg["input"]["height"], cfg["training"]["batch_size"]
    in_ch = 1 if cfg["input"].get("color", "RGB").upper() == "GRAY" else 3
    net = network(cfg["architecture"]["stages"], in_ch, 10)
    opt = torch.optim.Adam(net.parameters(), lr=cfg["training"]["learning_rate"])
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, in_ch, size, size)
    y = torch.randint(0, 10, (batch,))
    linear = net[-1]

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            linear.weight.clamp_(min=0)  # the non-negative classifier, as Heatbox trains it
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = time.perf_counter() - t0
    print(json.dumps({"images_per_s": a.steps * batch / secs, "batch": batch, "threads": a.threads,
                      "torch": torch.__version__, "steps": a.steps}))


if __name__ == "__main__":
    main()
