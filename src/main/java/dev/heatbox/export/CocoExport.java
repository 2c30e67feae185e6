package dev.heatbox.export;

import dev.heatbox.data.Coco;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO writers: a results list that pycocotools' loadRes accepts, and a ground-truth-style file
 * (empty segmentation so CVAT imports rectangles; the score in attributes).
 */
public final class CocoExport {
    private CocoExport() {}

    public static List<Coco.Result> results(List<LabeledImage> images) {
        List<Coco.Result> out = new ArrayList<>();
        for (LabeledImage im : images) {
            for (LabeledImage.Detection d : im.detections()) {
                out.add(new Coco.Result(im.imageId(), d.categoryId(), round(d.bbox()), d.score()));
            }
        }
        return out;
    }

    public static Coco.Dataset annotations(List<LabeledImage> images, List<Coco.Category> categories) {
        Coco.Dataset ds = new Coco.Dataset();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "Heatbox pre-annotations");
        ds.info = info;
        ds.categories.addAll(categories);
        long annId = 1;
        for (LabeledImage im : images) {
            ds.images.add(new Coco.Image(im.imageId(), im.fileName(), im.width(), im.height()));
            for (LabeledImage.Detection d : im.detections()) {
                Coco.Annotation a = new Coco.Annotation(annId++, im.imageId(), d.categoryId(), round(d.bbox()));
                a.segmentation = List.of();
                a.score = d.score();
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("score", d.score());
                attrs.put("method", d.method());
                a.attributes = attrs;
                ds.annotations.add(a);
            }
        }
        return ds;
    }

    public static void writeResults(Path file, List<LabeledImage> images) {
        Json.write(file, results(images));
    }

    public static void writeAnnotations(Path file, List<LabeledImage> images, List<Coco.Category> categories) {
        Json.write(file, annotations(images, categories));
    }

    /** Boxes to 1e-3 px: enough for any tool, and stable in text. */
    private static double[] round(double[] b) {
        double[] r = new double[4];
        for (int i = 0; i < 4; i++) {
            r[i] = Math.round(b[i] * 1000.0) / 1000.0;
        }
        return r;
    }
}
