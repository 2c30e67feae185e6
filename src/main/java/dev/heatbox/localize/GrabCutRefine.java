package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import dev.heatbox.util.Cv;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Tightens a heatmap box to the object's edges with OpenCV's GrabCut, seeded from the map: the
 * map's hot core is probably object, the rest of the box possibly object, a margin around the box
 * possibly background and everything beyond it background. A CAM map is coarse (7×7 upsampled), so
 * its box overshoots the object; the image's colours know where the object ends. Works at the
 * map's resolution (the image is resized to it), so the cost does not grow with the photo.
 */
public final class GrabCutRefine {
    /** Map values at or above this share of the max seed "probably object". */
    static final double CORE = 0.7;
    static final int ITERATIONS = 4;

    private GrabCutRefine() {}

    /**
     * @param image the original image (8-bit grey or BGR)
     * @param map   the normalized map at h×w (the model input size)
     * @param box   the map's box, in map pixels
     * @return the refined box in map pixels, or {@code box} itself when GrabCut finds no object in it
     */
    public static PixelBox refine(Mat image, float[] map, int h, int w, PixelBox box) {
        Cv.load();
        Mat small = new Mat();
        Imgproc.resize(image, small, new Size(w, h), 0, 0, Imgproc.INTER_AREA);
        if (small.channels() == 1) {
            Imgproc.cvtColor(small, small, Imgproc.COLOR_GRAY2BGR);
        }
        int mx = Math.max(2, box.width() / 4);
        int my = Math.max(2, box.height() / 4);
        int x0 = Math.max(0, box.x0() - mx);
        int y0 = Math.max(0, box.y0() - my);
        int x1 = Math.min(w - 1, box.x1() + mx);
        int y1 = Math.min(h - 1, box.y1() + my);
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        byte[] seeds = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                boolean inBox = x >= box.x0() && x <= box.x1() && y >= box.y0() && y <= box.y1();
                boolean inMargin = x >= x0 && x <= x1 && y >= y0 && y <= y1;
                seeds[i] = (byte) (!inMargin ? Imgproc.GC_BGD
                        : !inBox ? Imgproc.GC_PR_BGD
                        : max > 0 && map[i] >= CORE * max ? Imgproc.GC_FGD : Imgproc.GC_PR_FGD);
            }
        }
        boolean anyBackground = false;
        boolean anyObject = false;
        for (byte b : seeds) {
            anyBackground |= b == Imgproc.GC_BGD || b == Imgproc.GC_PR_BGD;
            anyObject |= b == Imgproc.GC_FGD || b == Imgproc.GC_PR_FGD;
        }
        if (!anyBackground || !anyObject) {
            return box; // a box that fills the image leaves GrabCut no background to learn from
        }
        Mat mask = new Mat(h, w, CvType.CV_8UC1);
        mask.put(0, 0, seeds);
        Mat bgd = new Mat();
        Mat fgd = new Mat();
        Imgproc.grabCut(small, mask, new Rect(), bgd, fgd, ITERATIONS, Imgproc.GC_INIT_WITH_MASK);
        byte[] out = new byte[h * w];
        mask.get(0, 0, out);
        float[] asMap = new float[h * w];
        for (int i = 0; i < out.length; i++) {
            asMap[i] = out[i] & 1; // GC_FGD (1) and GC_PR_FGD (3): the object
        }
        List<BoxExtractor.Component> parts = new BoxExtractor(0.5, BoxExtractor.Mode.LARGEST).extract(asMap, h, w);
        return parts.isEmpty() ? box : parts.get(0).box();
    }
}
