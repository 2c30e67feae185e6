package dev.heatbox.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * One image's predicted boxes in original-image pixels, ready for any writer (serializable: Spark
 * tasks return them); {@code given} is null unless the run had image-level labels.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabeledImage(long imageId, String fileName, int width, int height, int depth, List<Detection> detections,
                           Given given) implements Serializable {

    public LabeledImage(long imageId, String fileName, int width, int height, int depth, List<Detection> detections) {
        this(imageId, fileName, width, height, depth, detections, null);
    }

    /** One box: COCO [x, y, w, h] in original pixels, its category and score, and the method behind it. */
    public record Detection(long categoryId, String categoryName, double[] bbox, double score, String method)
            implements Serializable {}

    /**
     * What the user said the image shows beside what the model thinks: the given labels, the model's
     * own top-1 class and its probability, and the lowest probability the model gives any given
     * label that maps to a class (null when none maps). {@code doubtful}: that probability is below
     * {@link #DOUBTFUL} — a wrong label, or a class the model does not know.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Given(List<String> labels, String guess, double guessProbability, Double labelProbability)
            implements Serializable {
        public static final double DOUBTFUL = 0.01;

        public boolean doubtful() {
            return labelProbability != null && labelProbability < DOUBTFUL;
        }
    }

    public String stem() {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
