package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import dev.heatbox.score.Iou;
import java.util.Arrays;
import java.util.List;

/**
 * MaxBoxAccV2's inner loop without a contour search per threshold: for every 8-bit cut c, the best
 * wsol IoU between the ground-truth boxes and the boxes of <em>all</em> contours of the mask
 * (value > c) that {@code findContours(RETR_TREE)} + {@code boundingRect} give, as {@link WsolBoxes}
 * computes them with OpenCV.
 *
 * <p>Why this is the same: the outer contours of a binary image are the borders of its 8-connected
 * foreground components, so an outer contour's bounding rectangle is its component's; the hole
 * contours are the borders of the 4-connected background components that do not reach the image
 * edge (OpenCV pads the image with zeros), traced on the foreground pixels around them, so a hole's
 * contour rectangle is the hole's, one pixel larger on each side. Components only merge as the cut
 * falls (foreground) or rises (background), so one union–find pass each way visits every pixel once
 * for all 256 cuts. {@code ContourSweepTest} checks it against OpenCV on random, noisy and ringed maps.
 */
public final class ContourSweep {
    private ContourSweep() {}

    /**
     * @param image  8-bit values (0..255), row-major
     * @return best[c] for c = 0..255: max IoU over the contour boxes at cut c and {@code gt}; with no
     *         contour, the IoU of the box (0, 0, 0, 0), as WsolBoxes gives then
     */
    public static double[] bestIou(byte[] image, int height, int width, List<PixelBox> gt) {
        int n = height * width;
        Scratch sc = SCRATCH.get();
        sc.ensure(n);
        // pixels by value (counting sort), with their coordinates
        int[] start = sc.start;
        Arrays.fill(start, 0);
        for (int i = 0; i < n; i++) {
            start[(image[i] & 0xff) + 1]++;
        }
        for (int v = 0; v < 256; v++) {
            start[v + 1] += start[v];
        }
        int[] fill = sc.fill;
        System.arraycopy(start, 0, fill, 0, 257);
        int[] order = sc.order;
        int[] xs = sc.xs;
        int[] ys = sc.ys;
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                int k = fill[image[i] & 0xff]++;
                order[k] = i;
                xs[k] = x;
                ys[k] = y;
            }
        }
        double none = best(0, 0, 0, 0, gt);
        double[] fg = new double[256];
        double[] bg = new double[256];
        boolean[] empty = new boolean[256];
        Forest f = sc.forest.reset(n, width, height);
        // foreground: mask(c) = value > c; adding the pixels of value c + 1 takes the mask from c + 1 to c
        double bestFg = 0;
        for (int c = 255; c >= 0; c--) {
            int v = c + 1;
            boolean added = false;
            if (v <= 255) {
                for (int k = start[v]; k < start[v + 1]; k++) {
                    f.add(order[k], xs[k], ys[k], true);
                    added = true;
                }
            }
            empty[c] = f.size == 0;
            if (added) {
                bestFg = f.best(gt, 0, width, height);
            }
            fg[c] = bestFg;
        }
        // background: value <= c, 4-connected; a component touching the edge is the outside, not a hole
        Forest b = f.reset(n, width, height);
        double bestBg = 0;
        for (int c = 0; c < 256; c++) {
            boolean added = false;
            for (int k = start[c]; k < start[c + 1]; k++) {
                b.add(order[k], xs[k], ys[k], false);
                added = true;
            }
            if (added) {
                bestBg = b.best(gt, 1, width, height);
            }
            bg[c] = bestBg;
        }
        double[] out = new double[256];
        for (int c = 0; c < 256; c++) {
            out[c] = empty[c] ? none : Math.max(fg[c], bg[c]);
        }
        return out;
    }

    /** Per-thread buffers, reused from map to map (a sweep over many maps allocated ~3 MB per map). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final int[] start = new int[257];
        final int[] fill = new int[257];
        int[] order = new int[0];
        int[] xs = order;
        int[] ys = order;
        final Forest forest = new Forest();

        void ensure(int n) {
            if (order.length < n) {
                order = new int[n];
                xs = new int[n];
                ys = new int[n];
            }
        }
    }

    /** The best wsol IoU of the box (x0, y0, x1, y1) with any of {@code gt}. */
    static double best(int x0, int y0, int x1, int y1, List<PixelBox> gt) {
        double m = 0;
        for (PixelBox g : gt) {
            m = Math.max(m, Iou.wsol(x0, y0, x1, y1, g));
        }
        return m;
    }

    /** A union–find over pixels with a box and an edge flag per root, and the list of roots. */
    private static final class Forest {
        int w;
        int h;
        int[] parent = new int[0];
        int[] x0 = parent;
        int[] y0 = parent;
        int[] x1 = parent;
        int[] y1 = parent;
        boolean[] edge = new boolean[0];
        /** Pixels per root: the smaller tree goes under the larger, so finds stay short. */
        int[] count = parent;
        int[] roots = new int[64];
        int rootCount;
        int size;

        /** Empties the forest for an n-pixel image (only the parent links need clearing: add() sets the rest). */
        Forest reset(int n, int w, int h) {
            this.w = w;
            this.h = h;
            if (parent.length < n) {
                parent = new int[n];
                x0 = new int[n];
                y0 = new int[n];
                x1 = new int[n];
                y1 = new int[n];
                edge = new boolean[n];
                count = new int[n];
            }
            Arrays.fill(parent, 0, n, -1);
            rootCount = 0;
            size = 0;
            return this;
        }

        void add(int p, int x, int y, boolean eight) {
            parent[p] = p;
            x0[p] = x;
            x1[p] = x;
            y0[p] = y;
            y1[p] = y;
            edge[p] = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            count[p] = 1;
            size++;
            if (rootCount == roots.length) {
                compact();
                if (rootCount == roots.length) {
                    roots = Arrays.copyOf(roots, roots.length * 2);
                }
            }
            roots[rootCount++] = p;
            int root = p;
            for (int dy = -1; dy <= 1; dy++) {
                int ny = y + dy;
                if (ny < 0 || ny >= h) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx;
                    if (dx == 0 && dy == 0 || !eight && dx != 0 && dy != 0 || nx < 0 || nx >= w) {
                        continue;
                    }
                    int q = ny * w + nx;
                    if (parent[q] >= 0) {
                        root = union(root, find(q));
                    }
                }
            }
        }

        int find(int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        /** Joins two roots; returns the new root. */
        int union(int ra, int rb) {
            if (ra == rb) {
                return ra;
            }
            if (count[ra] < count[rb]) {
                int t = ra;
                ra = rb;
                rb = t;
            }
            parent[rb] = ra;
            count[ra] += count[rb];
            x0[ra] = Math.min(x0[ra], x0[rb]);
            y0[ra] = Math.min(y0[ra], y0[rb]);
            x1[ra] = Math.max(x1[ra], x1[rb]);
            y1[ra] = Math.max(y1[ra], y1[rb]);
            edge[ra] |= edge[rb];
            return ra;
        }

        /** Drops merged roots from the list. */
        void compact() {
            int k = 0;
            for (int i = 0; i < rootCount; i++) {
                if (parent[roots[i]] == roots[i]) {
                    roots[k++] = roots[i];
                }
            }
            rootCount = k;
        }

        /**
         * The best IoU over the live components' contour boxes: a component's box (grow 0), or a
         * hole's (grow 1, edge components left out); boundingRect's (x, y, x + w, y + h) clipped.
         */
        double best(List<PixelBox> gt, int grow, int width, int height) {
            compact();
            double m = 0;
            for (int i = 0; i < rootCount; i++) {
                int r = roots[i];
                if (grow > 0 && edge[r]) {
                    continue;
                }
                m = Math.max(m, ContourSweep.best(x0[r] - grow, y0[r] - grow, Math.min(x1[r] + grow + 1, width - 1),
                        Math.min(y1[r] + grow + 1, height - 1), gt));
            }
            return m;
        }
    }
}
