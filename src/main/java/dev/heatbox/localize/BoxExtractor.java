package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heatmap → boxes, the CAM paper's rule: keep pixels whose value is strictly above
 * {@code threshold · max(map)} (compared in double), split them into 8-connected components, and
 * return the bounding box of the largest component (by pixel count; ties go to the component whose
 * first pixel comes first in raster order) or of every component, largest first.
 *
 * <p>The components come from one pass over the rows: runs of kept pixels are joined to the runs
 * of the row above that touch them (8-connectivity: column ranges overlapping within one pixel)
 * with a union–find. On 224×224 CAM-like maps this is several times faster than OpenCV's
 * {@code connectedComponentsWithStats} (≈ 310 µs there), which a test checks it against.
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

    /**
     * Otsu's threshold (Otsu 1979) of a map as a fraction of its max: over a 256-bin histogram of
     * value/max, the cut that maximizes the between-class variance. A per-image τ, where a tuned τ is one
     * for all images.
     */
    public static double otsu(float[] map) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (!(max > 0)) {
            return 0;
        }
        long[] hist = new long[256];
        double sumAll = 0;
        for (float v : map) {
            int b = Math.min(255, Math.max(0, (int) (v / max * 255)));
            hist[b]++;
            sumAll += b;
        }
        long below = 0;
        double sumBelow = 0;
        double best = -1;
        int cut = 0;
        for (int t = 0; t < 256; t++) {
            below += hist[t];
            sumBelow += (double) t * hist[t];
            long above = map.length - below;
            if (below == 0 || above == 0) {
                continue;
            }
            double m0 = sumBelow / below;
            double m1 = (sumAll - sumBelow) / above;
            double between = (double) below * above * (m0 - m1) * (m0 - m1);
            if (between > best) {
                best = between;
                cut = t;
            }
        }
        return Math.min(0.999, (cut + 1) / 255.0); // pixels above bin `cut` are the foreground
    }

    /** A component's box and its pixel count. */
    public record Component(PixelBox box, int pixels) {}

    public List<Component> extract(float[] map, int h, int w) {
        // Math.max carries a NaN through, so one branch-free pass finds the max and any NaN
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (max != max) {
            throw new IllegalArgumentException("heatmap contains NaN");
        }
        float cut = floatCut(threshold * max);
        // runs: start, end (inclusive), row; parent for the union-find, in raster order
        Runs r = RUNS.get();
        int n = 0;
        int prevStart = 0;
        int prevEnd = 0;
        for (int y = 0; y < h; y++) {
            int curStart = n;
            int base = y * w;
            int end = base + w;
            int i = base;
            while (i < end) {
                while (i < end && !(map[i] > cut)) {
                    i++;
                }
                if (i >= end) {
                    break;
                }
                int s = i;
                while (i < end && map[i] > cut) {
                    i++;
                }
                r.ensure(n + 1);
                int x0 = s - base;
                int x1 = i - 1 - base;
                r.start[n] = x0;
                r.end[n] = x1;
                r.row[n] = y;
                r.parent[n] = n;
                // join with the runs of the row above that touch this one (diagonals included)
                for (int p = prevStart; p < prevEnd; p++) {
                    if (r.end[p] >= x0 - 1 && r.start[p] <= x1 + 1) {
                        union(r.parent, p, n);
                    }
                }
                n++;
            }
            prevStart = curStart;
            prevEnd = n;
        }
        return components(r, n);
    }

    /**
     * The largest float c with (double) v > cut exactly when v > c, for every float v: comparing
     * floats then gives the rule's comparison in double without widening each pixel.
     */
    static float floatCut(double cut) {
        float c = (float) cut;
        return (double) c > cut ? Math.nextDown(c) : c;
    }

    /** Per root: pixel count and box; roots are met in raster order of their first run. */
    private List<Component> components(Runs r, int n) {
        int[] parent = r.parent;
        int[] area = r.area;
        int[] bx0 = r.x0;
        int[] by0 = r.y0;
        int[] bx1 = r.x1;
        int[] by1 = r.y1;
        int roots = 0;
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (root == i) { // a root is its set's first run (union keeps the smaller index)
                area[i] = 0;
                bx0[i] = r.start[i];
                by0[i] = r.row[i];
                bx1[i] = r.end[i];
                by1[i] = r.row[i];
                r.order[roots++] = i;
            }
            area[root] += r.end[i] - r.start[i] + 1;
            bx0[root] = Math.min(bx0[root], r.start[i]);
            bx1[root] = Math.max(bx1[root], r.end[i]);
            by1[root] = Math.max(by1[root], r.row[i]);
        }
        if (mode == Mode.LARGEST) {
            int best = -1;
            for (int k = 0; k < roots; k++) {
                int root = r.order[k];
                if (best < 0 || area[root] > area[best]) { // ties: the first in raster order
                    best = root;
                }
            }
            return best < 0 ? List.of() : List.of(new Component(new PixelBox(bx0[best], by0[best], bx1[best], by1[best]), area[best]));
        }
        List<Component> comps = new ArrayList<>(roots);
        for (int k = 0; k < roots; k++) {
            int root = r.order[k];
            comps.add(new Component(new PixelBox(bx0[root], by0[root], bx1[root], by1[root]), area[root]));
        }
        comps.sort((a, b) -> Integer.compare(b.pixels(), a.pixels())); // stable: ties keep raster order
        return comps;
    }

    /** Per-thread run buffers, grown as needed and reused from map to map. */
    private static final ThreadLocal<Runs> RUNS = ThreadLocal.withInitial(Runs::new);

    private static final class Runs {
        int[] start = new int[0];
        int[] end = start;
        int[] row = start;
        int[] parent = start;
        int[] area = start;
        int[] x0 = start;
        int[] y0 = start;
        int[] x1 = start;
        int[] y1 = start;
        int[] order = start;

        void ensure(int n) {
            if (n <= start.length) {
                return;
            }
            int cap = Math.max(256, Integer.highestOneBit(n) << 1);
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            row = Arrays.copyOf(row, cap);
            parent = Arrays.copyOf(parent, cap);
            area = new int[cap];
            x0 = new int[cap];
            y0 = new int[cap];
            x1 = new int[cap];
            y1 = new int[cap];
            order = new int[cap];
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Joins two sets; the smaller index becomes the root, so a root is its set's first run. */
    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra < rb) {
            parent[rb] = ra;
        } else if (rb < ra) {
            parent[ra] = rb;
        }
    }
}
