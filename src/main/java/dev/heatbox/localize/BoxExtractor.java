package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import dev.heatbox.util.Cv;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * {@code connectedComponentsWithStats} (≈ 310 µs there), which a test checks it against. The mask
 * comes from OpenCV's vectorized compare, and the runs from its bytes 64 pixels at a time
 * (run starts and ends are the bit changes): a pixel-by-pixel scan in Java cost half the time.
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
        Cv.load();
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

    /** The map's max; a NaN anywhere is refused (Math.max carries it through: one branch-free pass). */
    static float maxOf(float[] map) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (max != max) {
            throw new IllegalArgumentException("heatmap contains NaN");
        }
        return max;
    }

    public List<Component> extract(float[] map, int h, int w) {
        float max = maxOf(map);
        float cut = floatCut(threshold * max);
        Runs r = RUNS.get();
        byte[] mask = r.mask(map, h, w, cut);
        r.n = 0;
        r.prevStart = 0;
        r.prevEnd = 0;
        for (int y = 0; y < h; y++) {
            int rowStart = r.n;
            int base = y * w;
            boolean in = false;
            int s = 0;
            for (int x = 0; x < w; x += 64) {
                int len = Math.min(64, w - x);
                long bits = bits(mask, base + x, len);
                // bit k set where pixel x + k differs from pixel x + k − 1: a run starts or ends there
                long change = bits ^ (bits << 1 | (in ? 1L : 0L));
                if (len < 64) {
                    change &= (1L << len) - 1;
                }
                while (change != 0) {
                    int k = Long.numberOfTrailingZeros(change);
                    change &= change - 1;
                    if (in) {
                        r.add(s, x + k - 1, y);
                    } else {
                        s = x + k;
                    }
                    in = !in;
                }
            }
            if (in) {
                r.add(s, w - 1, y);
            }
            r.prevStart = rowStart;
            r.prevEnd = r.n;
        }
        int n = r.n;
        return components(r, n);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Mask bytes (0 or 0xFF) at [from, from + len), len ≤ 64, as bits: bit k for byte from + k. */
    private static long bits(byte[] mask, int from, int len) {
        long bits = 0;
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            long v = (long) LONGS.get(mask, from + k);
            // one bit per byte: bit j of the product's top byte is byte j's low bit
            bits |= ((v & 0x0101010101010101L) * 0x0102040810204080L >>> 56) << k;
        }
        for (; k < len; k++) {
            bits |= (mask[from + k] & 1L) << k;
        }
        return bits;
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
        /** Runs so far, and the previous row's runs [prevStart, prevEnd). */
        int n;
        int prevStart;
        int prevEnd;
        private Mat values;
        private Mat above;
        private byte[] maskBytes;

        /** The mask map > cut, 0 or 0xFF per pixel, from OpenCV's vectorized compare into reused buffers. */
        byte[] mask(float[] map, int h, int w, float cut) {
            if (values == null || values.rows() != h || values.cols() != w) {
                values = new Mat(h, w, CvType.CV_32F);
                above = new Mat(h, w, CvType.CV_8U);
                maskBytes = new byte[h * w];
            }
            values.put(0, 0, map);
            Core.compare(values, new Scalar(cut), above, Core.CMP_GT);
            above.get(0, 0, maskBytes);
            return maskBytes;
        }

        /** Appends the run [x0, x1] of row y, joined to the previous row's runs that touch it (diagonals included). */
        void add(int x0, int x1, int y) {
            ensure(n + 1);
            start[n] = x0;
            end[n] = x1;
            row[n] = y;
            parent[n] = n;
            for (int p = prevStart; p < prevEnd; p++) {
                if (end[p] >= x0 - 1 && start[p] <= x1 + 1) {
                    union(parent, p, n);
                }
            }
            n++;
        }

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
