#!/usr/bin/env python3
"""Writes COCO inputs that pycocotools accepts though a tidy dataset would not have them, with
pycocotools' own 12 stats for each (src/test/resources/fixtures/coco/edge/<case>/): CocoEvalEdgeTest
holds Heatbox's evaluator to them. Needs pycocotools (pip install pycocotools).

Cases: results with a category the ground truth lacks; a duplicated annotation id (in the same
image and across images); a duplicated category id; ground-truth annotations naming no image or
no category; a duplicated image id.
"""
import contextlib
import copy
import io
import json
import os
import random

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures", "coco", "edge")


def base(seed=3):
    rnd = random.Random(seed)
    images = [{"id": i, "file_name": f"im{i}.jpg", "width": 640, "height": 480} for i in range(1, 6)]
    cats = [{"id": c, "name": f"c{c}"} for c in (1, 2, 3)]
    anns, results = [], []
    aid = 1
    for im in images:
        for _ in range(rnd.randint(1, 4)):
            w, h = rnd.uniform(8, 300), rnd.uniform(8, 300)
            x, y = rnd.uniform(0, 640 - w), rnd.uniform(0, 480 - h)
            c = rnd.choice((1, 2, 3))
            anns.append({"id": aid, "image_id": im["id"], "category_id": c, "bbox": [x, y, w, h], "area": w * h,
                         "iscrowd": 1 if rnd.random() < 0.1 else 0})
            aid += 1
            for _ in range(rnd.randint(0, 3)):
                j = [v + rnd.gauss(0, 0.15 * s) for v, s in zip([x, y, w, h], [w, h, w, h])]
                j[2], j[3] = abs(j[2]) + 1, abs(j[3]) + 1
                results.append({"image_id": im["id"], "category_id": c if rnd.random() < 0.8 else rnd.choice((1, 2, 3)),
                                "bbox": j, "score": round(rnd.random(), 4)})
    return {"images": images, "annotations": anns, "categories": cats}, results


def stats(gt, results):
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = copy.deepcopy(gt)
        coco.createIndex()
        dt = coco.loadRes(copy.deepcopy(results))
        e = COCOeval(coco, dt, "bbox")
        e.evaluate()
        e.accumulate()
        e.summarize()
    return [float(v) for v in e.stats]


def cases():
    gt, res = base()
    yield "unknown_category_in_results", gt, res + [dict(r, category_id=99) for r in res[:4]]
    g = copy.deepcopy(gt)
    g["annotations"][2]["id"] = g["annotations"][1]["id"]  # neighbours: often the same image
    g["annotations"][-1]["id"] = g["annotations"][0]["id"]  # across images
    yield "duplicate_annotation_ids", g, res
    g = copy.deepcopy(gt)
    g["categories"].append({"id": 2, "name": "c2-again"})
    yield "duplicate_category_ids", g, res
    g = copy.deepcopy(gt)
    g["annotations"].append({"id": 900, "image_id": 77, "category_id": 1, "bbox": [1, 2, 30, 40], "area": 1200, "iscrowd": 0})
    g["annotations"].append({"id": 901, "image_id": 1, "category_id": 42, "bbox": [1, 2, 30, 40], "area": 1200, "iscrowd": 0})
    yield "annotations_naming_no_image_or_category", g, res
    g = copy.deepcopy(gt)
    g["images"].append(dict(g["images"][0], file_name="again.jpg"))
    yield "duplicate_image_id", g, res


def main():
    for name, gt, res in cases():
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "gt.json"), "w") as f:
            json.dump(gt, f)
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump(res, f)
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"pycocotools_stats": stats(gt, res)}, f, indent=1)
        print(name, [round(v, 4) for v in stats(gt, res)])


if __name__ == "__main__":
    main()
