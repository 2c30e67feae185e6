package dev.heatbox.export;

import java.io.Serializable;
import java.util.List;

/** One image's predicted boxes in original-image pixels, ready for any writer (serializable: Spark tasks return them). */
public record LabeledImage(long imageId, String fileName, int width, int height, int depth, List<Detection> detections)
        implements Serializable {

    /** One box: COCO [x, y, w, h] in original pixels, its category and score, and the method behind it. */
    public record Detection(long categoryId, String categoryName, double[] bbox, double score, String method)
            implements Serializable {}

    public String stem() {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
