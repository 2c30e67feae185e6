package dev.heatbox.job;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.data.PixelBox;
import dev.heatbox.localize.BoxExtractor;
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
    private final BoxExtractor extractor;
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
        this.extractor = new BoxExtractor(opt.threshold, opt.boxes);
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
        List<Labeled> out = new ArrayList<>();
        if (dec.ok().isEmpty()) {
            return out;
        }
        List<String> labels = model.labels();
        List<List<Explanation>> perRank = new ArrayList<>();
        for (int r = 0; r < opt.topK; r++) {
            perRank.add(engine.explain(dec.tensors(), TargetRule.rank(r, labels)));
        }
        for (int i = 0; i < dec.ok().size(); i++) {
            Mat orig = dec.originals().get(i);
            Path path = dec.ok().get(i);
            LabeledImage li = new LabeledImage(ids.get(path), path.getFileName().toString(), orig.cols(), orig.rows(),
                    orig.channels(), new ArrayList<>());
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
                for (BoxExtractor.Component c : extractor.extract(e.map(), e.height(), e.width())) {
                    PixelBox box = opt.grabCut ? GrabCutRefine.refine(orig, e.map(), e.height(), e.width(), c.box()) : c.box();
                    double score = e.targetProbability() * LocalizeJob.meanInside(e.map(), e.width(), box);
                    if (score < opt.minScore) {
                        continue;
                    }
                    li.detections().add(new LabeledImage.Detection(plan.categoryIds().get(cat), cat,
                            box.toCocoScaled(e.width(), e.height(), orig.cols(), orig.rows()), score,
                            engine.method().name()));
                }
            }
            if (opt.nms >= 0) {
                List<LabeledImage.Detection> kept = Nms.suppress(li.detections(), opt.nms);
                li.detections().clear();
                li.detections().addAll(kept);
            }
            if (opt.maps != null) {
                opt.maps.accept(li, shown != null ? shown : perRank.get(0).get(i));
            }
            String unmapped = seen.isEmpty() ? li.fileName() + " (top class: " + labels.get(perRank.get(0).get(i).target()) + ")"
                    : null;
            out.add(new Labeled(li, shown == null ? null : shown.map(), unmapped));
        }
        return out;
    }
}
