#!/usr/bin/env python3
"""Reads Heatbox's COCO outputs with pycocotools itself and compares the numbers.

    python3 tools/check_with_pycocotools.py --gt GT.json --label-out OUT --metrics EVAL/metrics.json

- `OUT/coco/results.json` is loaded with `COCO(GT).loadRes` and evaluated by `COCOeval` (bbox); its 12
  numbers must equal the "coco" section of Heatbox's `metrics.json` (from `heatbox eval` on the same
  files) to 1e-9;
- `OUT/coco/annotations.json` is loaded as a dataset by `COCO()`: its images, annotations and
  categories must all index (every annotation has id, iscrowd, area, segmentation and a 4-value bbox).
Exit 0 when everything agrees, 1 with the differences otherwise. Needs pycocotools
(`pip install pycocotools`); CI runs it on the 27 photos of datasets/coco-sample.
"""
import argparse
import contextlib
import io
import json
import os
import sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

NAMES = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gt", required=True)
    p.add_argument("--label-out", required=True, help="a heatbox label output folder")
    p.add_argument("--metrics", required=True, help="heatbox eval's metrics.json on the same files")
    a = p.parse_args()
    problems = []
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(a.gt)
        dt = gt.loadRes(os.path.join(a.label_out, "coco", "results.json"))
        e = COCOeval(gt, dt, "bbox")
        e.evaluate()
        e.accumulate()
        e.summarize()
    with open(a.metrics) as f:
        ours = json.load(f)["coco"]
    for name, ref in zip(NAMES, e.stats):
        if abs(float(ref) - ours[name]) > 1e-9:
            problems.append(f"{name}: pycocotools {ref!r}, heatbox {ours[name]!r}")
    with contextlib.redirect_stdout(io.StringIO()):
        ann = COCO(os.path.join(a.label_out, "coco", "annotations.json"))
    for x in ann.dataset["annotations"]:
        missing = [k for k in ("id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation") if k not in x]
        if missing or len(x["bbox"]) != 4:
            problems.append(f"annotation {x.get('id')}: missing {missing} or bbox {x.get('bbox')}")
    if len(ann.getImgIds()) == 0 or len(ann.getCatIds()) == 0:
        problems.append("annotations.json indexes no images or no categories")
    print(f"pycocotools: AP {e.stats[0]:.6f} AP50 {e.stats[1]:.6f} over {len(dt.getAnnIds())} results;"
          f" annotations.json: {len(ann.getImgIds())} images, {len(ann.getAnnIds())} boxes, {len(ann.getCatIds())} categories")
    for pr in problems:
        print("MISMATCH " + pr)
    print("pycocotools check: " + ("all 12 numbers equal, annotations.json loads" if not problems
                                   else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
