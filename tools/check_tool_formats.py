#!/usr/bin/env python3
"""Reads every layout `heatbox label` writes with the parsers the labelling tools use.

    python3 tools/check_tool_formats.py --label-out OUT [--review-url URL]

OUT is a label run with --format coco,voc,yolo,labelstudio,cvat-coco,cvat-voc,cvat-yolo,ultralytics,fiftyone.
- VOC XML (voc/ and the cvat-voc zip): lxml, DTDs and entities off, validated against
  tools/schemas/voc-annotation.xsd (what Datumaro's and LabelImg's VOC readers read), boxes inside the
  image, names in labelmap.txt, ImageSets/Main/default.txt naming exactly the XML files.
- YOLO (yolo/, cvat-yolo zip, ultralytics/): five fields a line, class index in the names, centre and
  size in [0, 1]; data.yaml by PyYAML (path, train, names 0..n-1); every label file has its image.
- COCO (coco/annotations.json, cvat-coco's instances_default.json, fiftyone/labels.json): pycocotools
  COCO() indexes it; every annotation has id, iscrowd, area, segmentation, a 4-value bbox.
- Label Studio (labelstudio/tasks.json): jsonschema against tools/schemas/labelstudio-tasks.schema.json
  (written from Label Studio's docs), result ids unique in the file, x + width and y + height <= 100.
- With --review-url (a running `heatbox review OUT`): one edit through its API (accept the first
  image, add a box), then OUT/reviewed/annotations.json must load in pycocotools with that edit.
Each check is first run on a broken copy of a real file and must catch it. Exit 0 when all pass.
Needs pycocotools, lxml, PyYAML, jsonschema (pip's local index has them).
"""
import argparse
import contextlib
import copy
import io
import json
import os
import sys
import urllib.request
import zipfile

import jsonschema
import yaml
from lxml import etree
from pycocotools.coco import COCO

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = etree.XMLSchema(etree.parse(os.path.join(HERE, "schemas", "voc-annotation.xsd")))
with open(os.path.join(HERE, "schemas", "labelstudio-tasks.schema.json")) as f:
    LS_SCHEMA = json.load(f)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False)


def voc_problems(name, data, labels=None):
    """The problems of one VOC XML file given as bytes."""
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as e:
        return [f"{name}: not XML ({e})"]
    if root.getroottree().docinfo.doctype:
        return [f"{name}: has a DOCTYPE"]
    if not SCHEMA.validate(root):
        return [f"{name}: {err.message} (line {err.line})" for err in SCHEMA.error_log]
    out = []
    w, h = int(root.findtext("size/width")), int(root.findtext("size/height"))
    for o in root.findall("object"):
        b = [float(o.findtext("bndbox/" + k)) for k in ("xmin", "ymin", "xmax", "ymax")]
        if not (1 <= b[0] <= b[2] <= w and 1 <= b[1] <= b[3] <= h):
            out.append(f"{name}: box {b} outside 1..{w} x 1..{h} or inverted")
        if labels is not None and o.findtext("name") not in labels:
            out.append(f"{name}: label {o.findtext('name')!r} not in labelmap.txt")
    return out


def yolo_problems(name, text, classes):
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        f = line.split()
        if len(f) != 5:
            out.append(f"{name}:{i}: {len(f)} fields, tools take exactly 5")
            continue
        c, v = int(f[0]), [float(x) for x in f[1:]]
        if not 0 <= c < classes:
            out.append(f"{name}:{i}: class {c} not among {classes}")
        if not all(0 <= x <= 1 for x in v):
            out.append(f"{name}:{i}: coordinates {v} not in [0, 1]")
    return out


def coco_problems(name, data):
    d = json.loads(data)
    with contextlib.redirect_stdout(io.StringIO()):
        c = COCO()
        c.dataset = d
        c.createIndex()
    out = []
    for a in d["annotations"]:
        missing = [k for k in ("id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation") if k not in a]
        if missing or len(a["bbox"]) != 4:
            out.append(f"{name}: annotation {a.get('id')}: missing {missing} or bbox {a.get('bbox')}")
    if len({a["id"] for a in d["annotations"]}) != len(d["annotations"]):
        out.append(f"{name}: annotation ids repeat")
    return out


def ls_problems(name, tasks):
    try:
        jsonschema.validate(tasks, LS_SCHEMA)
    except jsonschema.ValidationError as e:
        return [f"{name}: {e.message} at {list(e.absolute_path)}"]
    out, ids = [], set()
    for t in tasks:
        for p in t.get("predictions", []):
            for r in p["result"]:
                if r["id"] in ids:
                    out.append(f"{name}: result id {r['id']} repeats")
                ids.add(r["id"])
                v = r["value"]
                if v["x"] + v["width"] > 100 + 1e-6 or v["y"] + v["height"] > 100 + 1e-6:
                    out.append(f"{name}: region {r['id']} reaches past the image")
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_voc(out):
    problems, files = [], sorted(os.listdir(os.path.join(out, "voc")))
    for x in files:
        problems += voc_problems("voc/" + x, read(os.path.join(out, "voc", x)))
    with zipfile.ZipFile(os.path.join(out, "cvat-voc.zip")) as z:
        labels = {line.split(":")[0] for line in z.read("labelmap.txt").decode().splitlines() if line and not line.startswith("#")}
        xmls = sorted(n for n in z.namelist() if n.startswith("Annotations/"))
        for n in xmls:
            problems += voc_problems("cvat-voc.zip/" + n, z.read(n), labels)
        listed = z.read("ImageSets/Main/default.txt").decode().split()
        if sorted(listed) != sorted(os.path.basename(n)[:-4] for n in xmls):
            problems.append("cvat-voc.zip: ImageSets/Main/default.txt does not name exactly the Annotations/ files")
    return problems, len(files) + len(xmls)


def check_yolo(out):
    problems, n = [], 0
    classes = len(read(os.path.join(out, "yolo", "classes.txt")).decode().splitlines())
    for x in sorted(os.listdir(os.path.join(out, "yolo"))):
        if x != "classes.txt":
            problems += yolo_problems("yolo/" + x, read(os.path.join(out, "yolo", x)).decode(), classes)
            n += 1
    with zipfile.ZipFile(os.path.join(out, "cvat-yolo.zip")) as z:
        names = z.read("obj.names").decode().splitlines()
        data = dict(line.split(" = ") for line in z.read("obj.data").decode().splitlines() if " = " in line)
        if int(data["classes"]) != len(names):
            problems.append(f"cvat-yolo.zip: obj.data says {data['classes']} classes, obj.names has {len(names)}")
        for img in z.read("train.txt").decode().split():
            label = "obj_train_data/" + os.path.splitext(os.path.basename(img))[0] + ".txt"
            if label not in z.namelist():
                problems.append(f"cvat-yolo.zip: train.txt names {img}, no {label}")
            else:
                problems += yolo_problems("cvat-yolo.zip/" + label, z.read(label).decode(), len(names))
                n += 1
    u = os.path.join(out, "ultralytics")
    with open(os.path.join(u, "data.yaml")) as f:
        cfg = yaml.safe_load(f)
    for k in ("path", "train", "names"):
        if k not in cfg:
            problems.append(f"ultralytics/data.yaml: no {k}")
    names = cfg.get("names", {})
    if sorted(names) != list(range(len(names))):
        problems.append("ultralytics/data.yaml: names are not indexed 0..n-1")
    images = {os.path.splitext(x)[0] for x in os.listdir(os.path.join(u, "images", "train"))}
    for x in sorted(os.listdir(os.path.join(u, "labels", "train"))):
        if os.path.splitext(x)[0] not in images:
            problems.append(f"ultralytics: labels/train/{x} has no image in images/train")
        problems += yolo_problems("ultralytics/labels/train/" + x, read(os.path.join(u, "labels", "train", x)).decode(), len(names))
        n += 1
    return problems, n


def check_coco(out):
    problems = coco_problems("coco/annotations.json", read(os.path.join(out, "coco", "annotations.json")))
    with zipfile.ZipFile(os.path.join(out, "cvat-coco.zip")) as z:
        problems += coco_problems("cvat-coco.zip", z.read("annotations/instances_default.json"))
    fo = os.path.join(out, "fiftyone")
    labels = read(os.path.join(fo, "labels.json"))
    problems += coco_problems("fiftyone/labels.json", labels)
    for im in json.loads(labels)["images"]:
        if not os.path.isfile(os.path.join(fo, "data", im["file_name"])):
            problems.append(f"fiftyone: data/{im['file_name']} missing")
    return problems, 3


def check_labelstudio(out):
    with open(os.path.join(out, "labelstudio", "tasks.json")) as f:
        tasks = json.load(f)
    return ls_problems("labelstudio/tasks.json", tasks), len(tasks)


def self_test(out):
    """Each checker must catch a broken copy of a real file: a check that cannot fail checks nothing."""
    missed = []
    xml = read(os.path.join(out, "voc", sorted(os.listdir(os.path.join(out, "voc")))[0]))
    if not voc_problems("broken", xml.replace(b"<filename>", b"<file>").replace(b"</filename>", b"</file>")):
        missed.append("VOC without <filename>")
    if not voc_problems("broken", b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xml):
        missed.append("VOC with a DOCTYPE")
    if not yolo_problems("broken", "0 0.5 0.5 0.2 0.2 0.9\n", 1):
        missed.append("YOLO line with a sixth field")
    with open(os.path.join(out, "labelstudio", "tasks.json")) as f:
        tasks = json.load(f)
    twice = tasks + copy.deepcopy(tasks)
    if any(t.get("predictions") and t["predictions"][0]["result"] for t in tasks) and not ls_problems("broken", twice):
        missed.append("Label Studio result ids repeated")
    bad = copy.deepcopy(tasks)
    bad[0]["data"] = {}
    if not ls_problems("broken", bad):
        missed.append("Label Studio task without data.image")
    coco = json.loads(read(os.path.join(out, "coco", "annotations.json")))
    if coco["annotations"]:
        del coco["annotations"][0]["iscrowd"]
        if not coco_problems("broken", json.dumps(coco)):
            missed.append("COCO annotation without iscrowd")
    return missed


def check_review(out, url):
    """One edit through a running `heatbox review`, then its file in pycocotools."""
    with urllib.request.urlopen(url + "api/items") as r:
        items = json.load(r)["items"]
    first = items[0]
    cat = json.load(urllib.request.urlopen(url + "api/items"))["categories"][0]["id"]
    im = first["image"]
    boxes = [dict(b, heatbox_review="accepted") for b in first["boxes"]]
    boxes.append({"id": 0, "category_id": cat, "bbox": [1, 2, im["width"] / 4, im["height"] / 4], "heatbox_review": "added"})
    req = urllib.request.Request(url + f"api/images/{im['id']}", method="PUT",
                                 data=json.dumps({"heatbox_review": "done", "boxes": boxes}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        stored = json.load(r)
    problems = coco_problems("reviewed/annotations.json", read(os.path.join(out, "reviewed", "annotations.json")))
    with contextlib.redirect_stdout(io.StringIO()):
        c = COCO(os.path.join(out, "reviewed", "annotations.json"))
    anns = c.loadAnns(c.getAnnIds(imgIds=[im["id"]]))
    if len(anns) != len(boxes) or not any(a["heatbox_review"] == "added" for a in anns):
        problems.append(f"reviewed/annotations.json: image {im['id']} has {len(anns)} boxes, the edit made {len(boxes)}")
    if [a["id"] for a in stored["boxes"]] != [a["id"] for a in anns]:
        problems.append("reviewed/annotations.json differs from what the server answered")
    return problems, len(c.getImgIds())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--label-out", required=True)
    p.add_argument("--review-url")
    a = p.parse_args()
    missed = self_test(a.label_out)
    for m in missed:
        print("SELF-TEST: the check did not catch " + m)
    problems = []
    checks = [("VOC XML", check_voc), ("YOLO", check_yolo), ("COCO", check_coco), ("Label Studio", check_labelstudio)]
    if a.review_url:
        checks.append(("review", lambda out: check_review(out, a.review_url)))
    for name, check in checks:
        pr, n = check(a.label_out)
        print(f"{name}: {n} files/items read, {len(pr)} problem(s)")
        problems += pr
    for pr in problems[:50]:
        print("PROBLEM " + pr)
    ok = not problems and not missed
    print("tool-format check: " + ("all layouts read as the tools read them" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
