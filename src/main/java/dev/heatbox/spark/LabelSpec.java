package dev.heatbox.spark;

import dev.heatbox.job.LabelJob;
import dev.heatbox.job.LabelPlan;
import dev.heatbox.data.ImageLabels;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.review.ReviewMaps;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every Spark task needs to label its images, small and serializable: where the model is
 * (every executor loads it itself; a model is never serialized), the label options, the category
 * mapping the driver decided, the output folder (for the heatmaps and the part files) and the
 * driver's working folder, which relative image paths are relative to; with image-level labels,
 * each image's labels (file name → categories), small beside the images themselves.
 */
public record LabelSpec(String model, String layer, String method, String norm, String tta, String fuse, double threshold, String boxes, int topK,
                        double minScore, double nms, boolean grabCut, int batch, String out, String base, boolean maps, String settings,
                        LinkedHashMap<String, Long> categoryIds, LinkedHashMap<Integer, String> categoryOfClass,
                        LinkedHashMap<String, ArrayList<String>> labels, String labelsSource, String unlabelled)
        implements Serializable {

    /** The options of the single-JVM job, with the heatmap writer when the run keeps maps. */
    LabelJob.Options options() {
        LabelJob.Options o = new LabelJob.Options();
        o.threshold = threshold;
        o.boxes = BoxRule.parse(boxes);
        if (labels != null) {
            o.labels = new ImageLabels(new LinkedHashMap<>(labels), List.of(), labelsSource);
            o.unlabelled = LabelJob.Unlabelled.valueOf(unlabelled);
        }
        o.topK = topK;
        o.minScore = minScore;
        o.batch = batch;
        o.nms = nms;
        o.grabCut = grabCut;
        if (maps) {
            Path dir = Path.of(out);
            o.maps = (image, e) -> ReviewMaps.write(dir, image, e);
        }
        return o;
    }

    /** The plan as a task sees it: the categories, not the image list (each task gets its own images). */
    LabelPlan plan() {
        return new LabelPlan(List.of(), categoryIds, categoryOfClass, Map.of(), List.of());
    }
}
