package dev.heatbox.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.data.Coco;
import dev.heatbox.data.PixelBox;
import dev.heatbox.data.WsolMasks;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import dev.heatbox.util.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Everything {@code heatbox eval} computes, from loaded inputs to the metrics.json sections. */
public final class Evaluation {
    /** Options that change conventions. */
    public static final class Options {
        public double vocIou = 0.5;
        public boolean vocIouGe = false;
        public double camStep = 0.01;
        /** Score results that have none as 1.0 (with a warning) instead of refusing the file as pycocotools does. */
        public boolean assumeScore = false;
    }

    private final Options opt;
    private final List<String> warnings = new ArrayList<>();
    private double[][] boxAccCurves;
    private double[] boxAccTaus;

    public Evaluation(Options opt) {
        this.opt = opt;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** BoxAcc(τ, δ) for δ = 0.3, 0.5, 0.7 (all contours) after {@link #wsol}; null before or without heatmaps. */
    public double[][] boxAccCurves() {
        return boxAccCurves;
    }

    public double[] boxAccTaus() {
        return boxAccTaus;
    }

    /**
     * Refuses what pycocotools' COCO(), loadRes and COCOeval refuse, reading exactly the fields they
     * read: results naming images the ground truth lacks (loadRes asserts it); a ground-truth
     * annotation without an id (COCO() indexes every annotation by id); an evaluated annotation
     * (its image and category listed) without area or iscrowd; an evaluated result without a score.
     * Results of categories the ground truth lacks are never read further, so they are only counted.
     */
    public void checkResults(Coco.Dataset gt, List<Coco.Result> results, Path gtFile, Path predFile) {
        Set<Long> imgs = new HashSet<>();
        gt.images.forEach(i -> imgs.add(i.id));
        Set<Long> cats = new HashSet<>();
        gt.categories.forEach(c -> cats.add(c.id));
        Map<Long, Coco.Annotation> byId = new HashMap<>(); // loadAnns: the last annotation with an id
        for (Coco.Annotation a : gt.annotations) {
            for (String f : a.absent) {
                if (f.endsWith(".id")) {
                    throw BadInputException.of(gtFile, f + " is missing: pycocotools' COCO() indexes every annotation by id");
                }
            }
            byId.put(a.id, a);
        }
        for (Coco.Annotation listed : gt.annotations) {
            Coco.Annotation a = byId.get(listed.id);
            if (!imgs.contains(listed.image_id) || !cats.contains(listed.category_id)) {
                continue;
            }
            for (String f : a.absent) {
                // computeIoU reads iscrowd of every evaluated annotation; evaluateImg reads area unless it is a crowd
                if (f.endsWith(".iscrowd") || a.iscrowd == 0) {
                    throw BadInputException.of(gtFile, f + " is missing: pycocotools' COCOeval reads it for every"
                            + (f.endsWith(".area") ? " non-crowd" : "") + " annotation it evaluates");
                }
            }
        }
        int unknownCat = 0;
        int unscored = 0;
        for (int i = 0; i < results.size(); i++) {
            Coco.Result r = results.get(i);
            if (!imgs.contains(r.image_id)) {
                throw BadInputException.of(predFile, "[" + i + "].image_id " + r.image_id
                        + " names no image of the ground truth (results do not correspond to this dataset)");
            }
            if (!cats.contains(r.category_id)) {
                unknownCat++;
            } else if (!r.scored) {
                if (!opt.assumeScore) {
                    throw BadInputException.of(predFile, "[" + i + "] has no score: results need one (pycocotools'"
                            + " COCOeval fails without it; ground truth given as --pred?); --assume-score scores such results 1.0");
                }
                unscored++;
            }
        }
        if (unknownCat > 0) {
            warnings.add(predFile + ": " + unknownCat + " results have category ids absent from the ground truth;"
                    + " they are ignored, as pycocotools ignores them");
        }
        if (unscored > 0) {
            warnings.add(predFile + ": " + unscored + " results have no score and were scored 1.0 (--assume-score);"
                    + " pycocotools refuses such a file, so no reference evaluator can check these numbers");
        }
    }

    public Map<String, Object> coco(Coco.Dataset gt, List<Coco.Result> results) {
        CocoEval e = new CocoEval();
        e.evaluate(gt, results);
        return new LinkedHashMap<>(e.statsMap());
    }

    public Map<String, Object> voc(Coco.Dataset gt, List<Coco.Result> results) {
        Map<Long, String> names = vocClassNames(gt);
        Set<Long> imgs = new HashSet<>();
        gt.images.forEach(i -> imgs.add(i.id));
        List<VocEval.GtBox> g = new ArrayList<>();
        for (Coco.Annotation a : gt.annotations) {
            if (!imgs.contains(a.image_id) || !names.containsKey(a.category_id)) {
                continue; // as COCOeval: an annotation of an unlisted image or category is not evaluated
            }
            g.add(new VocEval.GtBox(String.valueOf(a.image_id), names.get(a.category_id), corners(a.bbox), a.iscrowd != 0));
        }
        List<VocEval.Detection> d = new ArrayList<>();
        for (Coco.Result r : results) {
            String n = names.get(r.category_id);
            if (n != null) {
                d.add(new VocEval.Detection(String.valueOf(r.image_id), n, r.score, corners(r.bbox)));
            }
        }
        Map<String, VocEval.ClassResult> per = new VocEval(opt.vocIou, opt.vocIouGe).evaluate(g, d);
        Map<String, Object> perClass = new LinkedHashMap<>();
        double sum = 0;
        double sum07 = 0;
        for (Map.Entry<String, VocEval.ClassResult> e : per.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("AP", e.getValue().ap());
            m.put("AP07", e.getValue().ap07());
            perClass.put(e.getKey(), m);
            sum += e.getValue().ap();
            sum07 += e.getValue().ap07();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mAP", per.isEmpty() ? 0 : sum / per.size());
        out.put("mAP07", per.isEmpty() ? 0 : sum07 / per.size());
        out.put("per_class", perClass);
        return out;
    }

    /**
     * VOC groups by class name; COCO needs only ids. A category without a name (or sharing its name
     * with another) is named by its id, "id 3", so that every COCO category is one VOC class.
     */
    static Map<Long, String> vocClassNames(Coco.Dataset gt) {
        Map<String, Integer> uses = new HashMap<>();
        gt.categories.forEach(c -> uses.merge(String.valueOf(c.name), 1, Integer::sum));
        Map<Long, String> out = new LinkedHashMap<>();
        for (Coco.Category c : gt.categories) {
            boolean unique = c.name != null && uses.get(c.name) == 1;
            out.putIfAbsent(c.id, unique ? c.name : "id " + c.id);
        }
        return out;
    }

    /** A COCO box as VOC pixel corners by the VOC writer's rounding rule (0-based here; IoU is shift-free). */
    private static double[] corners(double[] b) {
        PixelBox p = PixelBox.fromCoco(b);
        return new double[] {p.x0(), p.y0(), p.x1(), p.y1()};
    }

    /**
     * WSOL metrics from a heatmap folder (index.json + .npy): for each ground-truth image the map
     * of its ground-truth class (GT-known), and for Top-1 Loc the map flagged top-1.
     */
    public Map<String, Object> wsol(Coco.Dataset gt, Path heatmaps, Path masks) {
        Path indexFile = heatmaps.resolve("index.json");
        JsonNode index = Json.readTree(indexFile);
        if (!index.isArray()) {
            throw BadInputException.of(indexFile, "expected a list of heatmap entries");
        }
        Map<String, List<JsonNode>> byImage = new HashMap<>();
        for (JsonNode e : index) {
            if (!e.hasNonNull("file") || !e.hasNonNull("image") || !e.hasNonNull("label")) {
                throw BadInputException.of(indexFile, "entry without file/image/label: " + e);
            }
            byImage.computeIfAbsent(Path.of(e.get("image").asText()).getFileName().toString(), k -> new ArrayList<>()).add(e);
        }
        Map<Long, String> names = Coco.categoryNames(gt);
        Map<Long, List<Coco.Annotation>> anns = new HashMap<>();
        gt.annotations.forEach(a -> anns.computeIfAbsent(a.image_id, k -> new ArrayList<>()).add(a));

        MaxBoxAcc v1 = MaxBoxAcc.v1(opt.camStep);
        MaxBoxAcc v2 = MaxBoxAcc.v2(opt.camStep);
        LocalizationAccuracy loc = new LocalizationAccuracy(0.5);
        PxAp pxap = masks == null ? null : new PxAp(opt.camStep);
        BoxExtractor camRule = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST);
        int used = 0;
        int missing = 0;
        int unnamed = 0;
        for (Coco.Image im : gt.images) {
            List<Coco.Annotation> a = anns.getOrDefault(im.id, List.of());
            if (a.isEmpty()) {
                continue;
            }
            if (im.file_name == null) {
                unnamed++; // heatmaps are matched by file name
                continue;
            }
            String gtName = names.get(a.get(0).category_id);
            List<JsonNode> entries = byImage.getOrDefault(Path.of(im.file_name).getFileName().toString(), List.of());
            JsonNode known = null;
            JsonNode top1 = null;
            for (JsonNode e : entries) {
                // explain --gt records the ground-truth category it explained; else the model's label must be its name
                String explained = e.hasNonNull("category") ? e.get("category").asText() : e.get("label").asText();
                if (explained.equals(gtName)) {
                    known = e;
                }
                if (!e.has("top1") || e.get("top1").asBoolean()) {
                    top1 = top1 == null ? e : top1;
                }
            }
            if (known == null) {
                missing++;
                continue;
            }
            Npy.Array map = Npy.readFloat32(heatmaps.resolve(known.get("file").asText()));
            if (map.shape().length != 2) {
                throw BadInputException.of(heatmaps.resolve(known.get("file").asText()), "expected a 2-D [H, W] map");
            }
            int h = map.shape()[0];
            int w = map.shape()[1];
            for (float v : map.data()) {
                if (Float.isNaN(v)) {
                    throw BadInputException.of(heatmaps.resolve(known.get("file").asText()), "heatmap contains NaN");
                }
            }
            List<PixelBox> gtBoxes = new ArrayList<>();
            for (Coco.Annotation x : a) {
                if (x.category_id == a.get(0).category_id) {
                    gtBoxes.add(PixelBox.fromCoco(x.bbox).resizedLikeWsol(im.width, im.height, w, h));
                }
            }
            v1.accumulate(map.data(), h, w, gtBoxes);
            v2.accumulate(map.data(), h, w, gtBoxes);
            List<BoxExtractor.Component> c = camRule.extract(map.data(), h, w);
            boolean top1Right = top1 != null && top1.get("label").asText().equals(gtName);
            loc.accumulate(c.isEmpty() ? null : c.get(0).box(), gtBoxes, top1Right);
            if (pxap != null) {
                String stem = im.file_name.replaceAll("\\.[^.]+$", "");
                Path ignore = masks.resolve(stem + "_ignore.png");
                byte[] mk = WsolMasks.load(masks, List.of(stem + ".png"),
                        Files.exists(ignore) ? stem + "_ignore.png" : null, w, h);
                pxap.accumulate(map.data(), mk);
            }
            used++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (unnamed > 0) {
            warnings.add(heatmaps + ": " + unnamed + " ground-truth images with boxes have no file_name, so no heatmap"
                    + " can be matched to them; WSOL metrics left out");
            return out;
        }
        if (missing > 0) {
            warnings.add(heatmaps + ": no map of the ground-truth class for " + missing + " of " + (used + missing)
                    + " images; WSOL metrics need a map of each image's ground-truth class, so they are left out");
            return out;
        }
        if (used == 0) {
            warnings.add(heatmaps + ": no heatmap matches a ground-truth image by file name; WSOL metrics left out");
            return out;
        }
        LocalizationAccuracy.Result r = loc.compute();
        out.put("iou_mean", r.iouMean());
        out.put("maxboxacc", v1.compute()[0]);
        out.put("maxboxacc_v2", v2.mean());
        double[] perDelta = v2.compute();
        Map<String, Object> iou = new LinkedHashMap<>();
        iou.put("30", perDelta[0]);
        iou.put("50", perDelta[1]);
        iou.put("70", perDelta[2]);
        out.put("maxboxacc_v2_iou", iou);
        out.put("gt_known_loc", r.gtKnownLoc());
        out.put("top1_loc", r.top1Loc());
        if (pxap != null) {
            out.put("pxap", pxap.compute());
        }
        boxAccCurves = v2.curves();
        boxAccTaus = v2.taus();
        return out;
    }
}
