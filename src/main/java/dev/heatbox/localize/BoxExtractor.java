package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import dev.heatbox.util.Cv;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Heatmap → boxes, the CAM paper's rule: keep pixels whose value is strictly above
 * {@code threshold · max(map)}, split them into 8-connected components with OpenCV, and return
 * the bounding box of the largest component (by pixel count; ties go to the component whose
 * first pixel comes first in raster order) or of every component, largest first.
 */
public final class BoxExtractor {
    public enum Mode { LARGEST, ALL }

    private final double threshold;
    private final Mode mode;

    public BoxExtractor(double threshold, Mode mode) {
        if (!(threshold >= 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1), got " + threshold);
        }
        this.threshold = threshold;
        this.mode = mode;
    }

    /** A component's box and its pixel count. */
    public record Component(PixelBox box, int pixels) {}

    public List<Component> extract(float[] map, int h, int w) {
        Cv.load();
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("heatmap contains NaN");
            }
            max = Math.max(max, v);
        }
        double cut = threshold * max;
        byte[] mask = new byte[h * w];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = map[i] > cut ? (byte) 255 : 0; // strictly above, compared in double
        }
        Mat bin = new Mat(h, w, CvType.CV_8UC1);
        bin.put(0, 0, mask);
        Mat labels = new Mat();
        Mat stats = new Mat();
        Mat centroids = new Mat();
        int n = Imgproc.connectedComponentsWithStats(bin, labels, stats, centroids, 8, CvType.CV_32S);
        List<Component> comps = new ArrayList<>(n);
        int[] row = new int[5];
        for (int label = 1; label < n; label++) { // label 0 is the background
            stats.get(label, 0, row);
            int x = row[Imgproc.CC_STAT_LEFT];
            int y = row[Imgproc.CC_STAT_TOP];
            comps.add(new Component(new PixelBox(x, y, x + row[Imgproc.CC_STAT_WIDTH] - 1,
                    y + row[Imgproc.CC_STAT_HEIGHT] - 1), row[Imgproc.CC_STAT_AREA]));
        }
        // free the native buffers now rather than at finalization: this runs thousands of times a second
        bin.release();
        labels.release();
        stats.release();
        centroids.release();
        // OpenCV numbers components in raster order of their first pixel: a stable sort keeps ties in that order
        comps.sort((a, b) -> Integer.compare(b.pixels(), a.pixels()));
        if (mode == Mode.LARGEST && comps.size() > 1) {
            return List.of(comps.get(0));
        }
        return comps;
    }
}
