package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import dev.heatbox.util.Cv;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

/**
 * wsolevaluation's box extraction, reproduced exactly: the map (values in [0, 1]) times 255 in
 * float64, truncated to 8 bits; at threshold τ the pixels strictly above int(τ · max) form a
 * mask; all contours of a RETR_TREE search; for the single-box protocol the contour with the
 * largest contourArea (the first such); each box is boundingRect's (x, y, x+w, y+h) clipped to
 * (W−1, H−1). A threshold with no contour gives the box (0, 0, 0, 0).
 *
 * <p>The 8-bit mask only changes at thresholds equal to a pixel value, so a sweep computes each
 * distinct mask once and shares it across every τ that produces it.
 */
public final class WsolBoxes {
    private final byte[] image;
    private final int height;
    private final int width;
    private final int max;
    /** countAtOrBelow[v] = number of pixels with value ≤ v: equal counts mean equal masks. */
    private final int[] countAtOrBelow = new int[256];
    /** The 8-bit map as a Mat and a reused mask buffer, made on first use. */
    private Mat source;
    private Mat bin;
    private Mat hierarchy;

    public WsolBoxes(float[] map, int height, int width) {
        Cv.load();
        this.height = height;
        this.width = width;
        this.image = new byte[height * width];
        int m = 0;
        int[] hist = new int[256];
        for (int i = 0; i < map.length; i++) {
            double v = map[i];
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("score map contains NaN");
            }
            if (v < 0 || v > 1) {
                throw new IllegalArgumentException("score map values must lie in [0, 1], found " + v);
            }
            int b = (int) (v * 255.0); // float64 multiply, then truncation, as numpy's astype(uint8)
            image[i] = (byte) b;
            hist[b]++;
            m = Math.max(m, b);
        }
        this.max = m;
        int c = 0;
        for (int v = 0; v < 256; v++) {
            c += hist[v];
            countAtOrBelow[v] = c;
        }
    }

    /** The 8-bit cut of threshold τ: pixels strictly above it are in the mask. */
    public int cut(double tau) {
        return (int) (tau * max);
    }

    /** The best IoU with {@code gt} over all contours' boxes at every cut 0..255 (see {@link ContourSweep}). */
    public double[] bestIouAllContours(List<PixelBox> gt) {
        return ContourSweep.bestIou(image, height, width, gt);
    }

    /** The boxes at one threshold τ: the largest contour's, or every contour's. */
    public List<PixelBox> boxes(double tau, boolean allContours) {
        return boxesAtCut((int) (tau * max), allContours);
    }

    /** For a τ grid: the boxes at each τ (index-aligned with {@code taus}), masks shared where equal. */
    public List<List<PixelBox>> sweep(double[] taus, boolean allContours) {
        List<List<PixelBox>> out = new ArrayList<>(taus.length);
        int lastKey = -1;
        List<PixelBox> last = null;
        for (double tau : taus) {
            int cut = (int) (tau * max);
            int key = countAtOrBelow[Math.min(255, Math.max(0, cut))];
            if (last == null || key != lastKey) {
                last = boxesAtCut(cut, allContours);
                lastKey = key;
            }
            out.add(last);
        }
        return out;
    }

    private List<PixelBox> boxesAtCut(int cut, boolean allContours) {
        if (source == null) {
            source = new Mat(height, width, CvType.CV_8UC1);
            source.put(0, 0, image);
            bin = new Mat();
            hierarchy = new Mat();
        }
        Imgproc.threshold(source, bin, cut, 255, Imgproc.THRESH_BINARY); // strict >, as cv2.threshold
        List<MatOfPoint> contours = new ArrayList<>();
        Imgproc.findContours(bin, contours, hierarchy, Imgproc.RETR_TREE, Imgproc.CHAIN_APPROX_SIMPLE);
        List<MatOfPoint> all = contours;
        List<PixelBox> boxes = new ArrayList<>();
        if (contours.isEmpty()) {
            boxes.add(new PixelBox(0, 0, 0, 0));
            return boxes;
        }
        if (!allContours) {
            MatOfPoint best = contours.get(0);
            double bestArea = Imgproc.contourArea(best);
            for (int i = 1; i < contours.size(); i++) {
                double a = Imgproc.contourArea(contours.get(i));
                if (a > bestArea) { // Python's max() keeps the first of equal keys
                    best = contours.get(i);
                    bestArea = a;
                }
            }
            contours = List.of(best);
        }
        for (MatOfPoint c : contours) {
            Rect r = Imgproc.boundingRect(c);
            boxes.add(new PixelBox(r.x, r.y, Math.min(r.x + r.width, width - 1), Math.min(r.y + r.height, height - 1)));
        }
        for (MatOfPoint c : all) {
            c.release(); // native memory freed now, not by the finalizer
        }
        return boxes;
    }

    /** np.arange(0, 1, step): i·step in float64 while below 1 (0.29 is 0.29000000000000004 there). */
    public static double[] thresholds(double step) {
        int n = (int) Math.ceil(1.0 / step);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * step;
        }
        return t;
    }
}
