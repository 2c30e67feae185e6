package dev.heatbox.data;

/**
 * A box in pixel indices, both ends inclusive (x0..x1, y0..y1), as contours and VOC files see
 * boxes. Conversions to the continuous COCO [x, y, w, h] are here and nowhere else.
 */
public record PixelBox(int x0, int y0, int x1, int y1) {
    public int width() {
        return x1 - x0 + 1;
    }

    public int height() {
        return y1 - y0 + 1;
    }

    /** COCO [x, y, w, h]: pixel i covers [i, i+1). */
    public double[] toCoco() {
        return new double[] {x0, y0, width(), height()};
    }

    /** Scales the box from a w×h image to a newW×newH image (box edges, not pixel indices). */
    public double[] toCocoScaled(int w, int h, int newW, int newH) {
        double sx = (double) newW / w;
        double sy = (double) newH / h;
        return new double[] {x0 * sx, y0 * sy, width() * sx, height() * sy};
    }

    /** wsolevaluation's resize of a ground-truth box: int(coordinate * new / old) on each coordinate. */
    public PixelBox resizedLikeWsol(int w, int h, int newW, int newH) {
        return new PixelBox((int) (x0 * (double) newW / w), (int) (y0 * (double) newH / h),
                (int) (x1 * (double) newW / w), (int) (y1 * (double) newH / h));
    }

    /** A COCO [x, y, w, h] box to pixel indices with the VOC writer's rounding rule. */
    public static PixelBox fromCoco(double[] b) {
        int xmin = (int) Math.round(b[0]);
        int ymin = (int) Math.round(b[1]);
        int xmax = (int) Math.round(b[0] + b[2]) - 1;
        int ymax = (int) Math.round(b[1] + b[3]) - 1;
        return new PixelBox(xmin, ymin, Math.max(xmin, xmax), Math.max(ymin, ymax));
    }
}
