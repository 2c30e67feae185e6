package dev.heatbox.job;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.data.PixelBox;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.localize.GrabCutRefine;
import dev.heatbox.localize.Nms;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencv.core.Mat;

/**
 * The per-image work of a label run, the same in one JVM and in a Spark task: decode a batch of
 * images, explain the top-K classes, turn each mapped class's heatmap into scored boxes.
 */
public final class LabelStep {
    /** A decoded batch; unreadable images are named in {@code skipped}, not thrown. */
    public record Decoded(List<Path> ok, List<Mat> originals, List<float[]> tensors, List<String> skipped) {}

    /**
     * One labelled image.
     * @param map      the heatmap its boxes came from (the first class that maps to a category), or null
     * @param unmapped why it has no boxes when none of its classes maps to a category, else null
     */
    public record Labeled(LabeledImage image, float[] map, String unmapped) {}

    private final SplitModel model;
    private final ExplainEngine engine;
    private final LabelJob.Options opt;
    private final LabelPlan plan;
    private final Path base;

    public LabelStep(SplitModel model, ExplainEngine engine, LabelJob.Options opt, LabelPlan plan) {
        this(model, engine, opt, plan, null);
    }

    /**
     * @param base the folder relative image paths are relative to, or null for this process's own:
     *             a Spark executor runs in a folder of its own, so it reads from the driver's
     */
    public LabelStep(SplitModel model, ExplainEngine engine, LabelJob.Options opt, LabelPlan plan, Path base) {
        this.model = model;
        this.engine = engine;
        this.opt = opt;
        this.plan = plan;
        this.base = base;
    }

    /** Decodes a batch; images keep the paths as listed (outputs name them so), read from {@code base}. */
    public Decoded decode(List<Path> chunk) {
        Cv.load();
        List<Path> ok = new ArrayList<>();
        List<Mat> originals = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path p : chunk) {
            try {
                Mat m = Cv.read(base == null ? p : base.resolve(p), model.input().grey());
                originals.add(m);
                tensors.add(model.input().toTensor(m));
                ok.add(p);
            } catch (BadInputException e) {
                skipped.add(e.naming(p));
            }
        }
        return new Decoded(ok, originals, tensors, skipped);
    }

    /** Labels a decoded batch; {@code ids} gives each image's COCO id. */
    public List<Labeled> label(Decoded dec, Map<Path, Long> ids) {
        if (dec.ok().isEmpty()) {
            return new ArrayList<>();
        }
        return opt.labels == null ? labelTopK(dec, ids) : labelGiven(dec, ids);
    }

    /** Without image-level labels: the model's top-K classes, one pass per rank. */
    private List<Labeled> labelTopK(Decoded dec, Map<Path, Long> ids) {
        List<Labeled> out = new ArrayList<>();
        List<String> labels = model.labels();
        List<List<Explanation>> perRank = new ArrayList<>();
        for (int r = 0; r < opt.topK; r++) {
            perRank.add(engine.explain(dec.tensors(), TargetRule.rank(r, labels)));
        }
        for (int i = 0; i < dec.ok().size(); i++) {
            LabeledImage li = image(dec, i, ids, new ArrayList<>(), null);
            Set<String> seen = new HashSet<>();
            Explanation shown = null;
            for (List<Explanation> rank : perRank) {
                Explanation e = rank.get(i);
                String cat = plan.categoryOfClass() != null ? plan.categoryOfClass().get(e.target()) : labels.get(e.target());
                if (cat == null || !seen.add(cat)) {
                    continue;
                }
                if (shown == null) {
                    shown = e;
                }
                addBoxes(li.detections(), dec.originals().get(i), e, cat);
            }
            out.add(finish(li, shown, perRank.get(0).get(i),
                    seen.isEmpty() ? li.fileName() + " (top class: " + labels.get(perRank.get(0).get(i).target()) + ")" : null));
        }
        return out;
    }

    /**
     * With image-level labels: each image explained for each of its labelled categories (by the
     * category's best-scoring class), all rows of the batch in one pass of mixed targets; an image
     * without labels gets the model's top-K classes or nothing ({@link LabelJob.Options#unlabelled}).
     */
    private List<Labeled> labelGiven(Decoded dec, Map<Path, Long> ids) {
        List<String> labels = model.labels();
        List<float[]> rows = new ArrayList<>();
        List<Integer> imageOf = new ArrayList<>();
        List<LabelPlan.Target> targetOf = new ArrayList<>();
        List<Integer> rankOf = new ArrayList<>();
        List<List<String>> unmappedOf = new ArrayList<>();
        for (int i = 0; i < dec.ok().size(); i++) {
            Path p = dec.ok().get(i);
            List<String> missing = new ArrayList<>();
            if (opt.labels.byFile().containsKey(p.getFileName().toString())) {
                for (String given : opt.labels.of(p)) {
                    LabelPlan.Target t = plan.target(given, labels);
                    if (t == null) {
                        missing.add(given);
                        continue;
                    }
                    rows.add(dec.tensors().get(i));
                    imageOf.add(i);
                    targetOf.add(t);
                    rankOf.add(0);
                }
            } else if (opt.unlabelled == LabelJob.Unlabelled.TOP) {
                for (int r = 0; r < opt.topK; r++) {
                    rows.add(dec.tensors().get(i));
                    imageOf.add(i);
                    targetOf.add(null);
                    rankOf.add(r);
                }
            }
            unmappedOf.add(missing);
        }
        List<List<Integer>> candidates = targetOf.stream().map(t -> t == null ? null : t.classes()).toList();
        int[] ranks = rankOf.stream().mapToInt(Integer::intValue).toArray();
        List<Explanation> ex = rows.isEmpty() ? List.of() : engine.explain(rows, TargetRule.perRow(candidates, ranks, labels));
        List<Labeled> out = new ArrayList<>();
        for (int i = 0; i < dec.ok().size(); i++) {
            Path p = dec.ok().get(i);
            boolean labelled = opt.labels.byFile().containsKey(p.getFileName().toString());
            Set<String> seen = new HashSet<>();
            Explanation shown = null;
            Double labelProb = null;
            List<LabeledImage.Detection> dets = new ArrayList<>();
            for (int r = 0; r < ex.size(); r++) {
                if (imageOf.get(r) != i) {
                    continue;
                }
                Explanation e = ex.get(r);
                LabelPlan.Target t = targetOf.get(r);
                String cat = t != null ? t.category()
                        : plan.categoryOfClass() != null ? plan.categoryOfClass().get(e.target()) : labels.get(e.target());
                if (t != null) {
                    labelProb = labelProb == null ? e.targetProbability() : Math.min(labelProb, e.targetProbability());
                }
                if (cat == null || !seen.add(cat)) {
                    continue;
                }
                shown = shown == null ? e : shown;
                addBoxes(dets, dec.originals().get(i), e, cat);
            }
            // the model's own guess, for the report: from any row of this image, else one forward pass
            Explanation any = shown;
            for (int r = 0; any == null && r < ex.size(); r++) {
                any = imageOf.get(r) == i ? ex.get(r) : null;
            }
            LabeledImage.Given given = null;
            if (labelled) {
                int top1 = any != null ? any.top1() : -1;
                given = new LabeledImage.Given(opt.labels.of(p), top1 < 0 ? null : labels.get(top1),
                        top1 < 0 ? 0 : any.top1Probability(), labelProb);
            }
            LabeledImage li = image(dec, i, ids, dets, given);
            String why = null;
            if (!unmappedOf.get(i).isEmpty()) {
                why = li.fileName() + " (label" + (unmappedOf.get(i).size() > 1 ? "s " : " ") + String.join(", ", unmappedOf.get(i))
                        + ": no model class" + (plan.categoryOfClass() != null ? " in --classes" : "") + ")";
            } else if (!labelled && opt.unlabelled == LabelJob.Unlabelled.SKIP) {
                why = li.fileName() + " (no label; --unlabelled skip)";
            }
            out.add(finish(li, shown, shown, why));
        }
        return out;
    }

    private static LabeledImage image(Decoded dec, int i, Map<Path, Long> ids, List<LabeledImage.Detection> dets,
                                      LabeledImage.Given given) {
        Mat orig = dec.originals().get(i);
        Path path = dec.ok().get(i);
        return new LabeledImage(ids.get(path), path.getFileName().toString(), orig.cols(), orig.rows(), orig.channels(), dets,
                given);
    }

    /** The map's boxes by the run's box rule, each scored class probability × mean heat inside the box. */
    private void addBoxes(List<LabeledImage.Detection> dets, Mat orig, Explanation e, String cat) {
        for (PixelBox c : opt.boxes.boxes(e.map(), e.height(), e.width(), opt.threshold)) {
            PixelBox box = opt.grabCut ? GrabCutRefine.refine(orig, e.map(), e.height(), e.width(), c) : c;
            double score = BoxRule.score(e.map(), e.width(), box, e.targetProbability());
            if (score < opt.minScore) {
                continue;
            }
            dets.add(new LabeledImage.Detection(plan.categoryIds().get(cat), cat,
                    box.toCocoScaled(e.width(), e.height(), orig.cols(), orig.rows()), score, engine.method().name()));
        }
    }

    /** NMS, the map for review, and the record. */
    private Labeled finish(LabeledImage li, Explanation shown, Explanation fallback, String unmapped) {
        if (opt.nms >= 0) {
            List<LabeledImage.Detection> kept = Nms.suppress(li.detections(), opt.nms);
            li.detections().clear();
            li.detections().addAll(kept);
        }
        Explanation forMap = shown != null ? shown : fallback;
        if (opt.maps != null && forMap != null) {
            opt.maps.accept(li, forMap);
        }
        return new Labeled(li, shown == null ? null : shown.map(), unmapped);
    }
}
