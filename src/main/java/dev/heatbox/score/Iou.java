package dev.heatbox.score;

import dev.heatbox.data.PixelBox;

/**
 * Intersection over union under the three conventions in use, named so nobody mixes them up:
 * <ul>
 *   <li>{@link #coco}: continuous [x, y, w, h] boxes, area w·h (pycocotools; match when IoU ≥ t);
 *   <li>{@link #voc}: inclusive pixel corners, sides +1 (the VOC devkit; py-faster-rcnn matches when IoU > 0.5);
 *   <li>{@link #wsol}: inclusive pixel corners, sides +1 (wsolevaluation; match when IoU ≥ δ).
 * </ul>
 */
public final class Iou {
    private Iou() {}

    public static double coco(double[] a, double[] b) {
        double iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
        double ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = a[2] * a[3] + b[2] * b[3] - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** VOC devkit: corners (x0, y0, x1, y1) inclusive, every side +1. */
    public static double voc(double[] a, double[] b) {
        return plusOne(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    }

    /** wsolevaluation's calculate_multiple_iou for one pair: corners inclusive, +1. */
    public static double wsol(PixelBox a, PixelBox b) {
        return plusOne(a.x0(), a.y0(), a.x1(), a.y1(), b.x0(), b.y0(), b.x1(), b.y1());
    }

    /** {@link #wsol(PixelBox, PixelBox)} with the first box given by its corners (no object per box). */
    public static double wsol(int ax0, int ay0, int ax1, int ay1, PixelBox b) {
        return plusOne(ax0, ay0, ax1, ay1, b.x0(), b.y0(), b.x1(), b.y1());
    }

    private static double plusOne(double ax0, double ay0, double ax1, double ay1,
                                  double bx0, double by0, double bx1, double by1) {
        double iw = Math.min(ax1, bx1) - Math.max(ax0, bx0) + 1;
        double ih = Math.min(ay1, by1) - Math.max(ay0, by0) + 1;
        double inter = Math.max(iw, 0) * Math.max(ih, 0);
        double areaA = (ax1 - ax0 + 1) * (ay1 - ay0 + 1);
        double areaB = (bx1 - bx0 + 1) * (by1 - by0 + 1);
        return inter / (areaA + areaB - inter);
    }
}
