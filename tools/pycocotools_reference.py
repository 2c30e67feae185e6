#!/usr/bin/env python3
"""pycocotools' own verdict on COCO cases, for Heatbox's generator test (CocoGeneratorTest).

    python3 tools/pycocotools_reference.py CASES_DIR

CASES_DIR holds one folder per case with gt.json and results.json. For each, COCO(gt.json),
loadRes(results.json) and COCOeval(..., "bbox") evaluate/accumulate/summarize run exactly as a user
runs them; CASES_DIR/reference.json maps the case name to {"stats": [12 numbers]} or, when
pycocotools raises, {"error": "KeyError: 'score'"}. Needs pycocotools.
"""
import contextlib
import io
import json
import os
import sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def verdict(folder):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            gt = COCO(os.path.join(folder, "gt.json"))
            dt = gt.loadRes(os.path.join(folder, "results.json"))
            e = COCOeval(gt, dt, "bbox")
            e.evaluate()
            e.accumulate()
            e.summarize()
        return {"stats": [float(v) for v in e.stats]}
    except Exception as x:  # every refusal counts, whatever its kind
        return {"error": f"{type(x).__name__}: {x}"}


def main():
    root = sys.argv[1]
    out = {name: verdict(os.path.join(root, name)) for name in sorted(os.listdir(root))
           if os.path.isdir(os.path.join(root, name))}
    with open(os.path.join(root, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
