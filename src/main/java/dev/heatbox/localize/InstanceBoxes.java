package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One box per object: the pixels above {@code threshold · max} split into one region per peak of
 * the map, so two animals side by side become two boxes where the largest-component rule gives one
 * box over both (they touch above τ) or drops one (they do not).
 *
 * <p>The split is a watershed with merging by prominence (0-dimensional persistence): pixels are
 * flooded from the highest down; a pixel joins the region of its highest 8-neighbour; where two
 * regions meet, the one with the lower peak is merged into the other unless its peak stands at
 * least {@code dip · max} above the meeting level. A dip shallower than that is the map's texture
 * within one object, not a gap between two. Regions smaller than {@code minArea} of the map are
 * dropped, except that a map always gives its highest region.
 */
public final class InstanceBoxes {
    /** A region: its box, pixel count and peak value. */
    public record Instance(PixelBox box, int pixels, float peak) {}

    private final double threshold;
    private final double dip;
    private final double minArea;

    public InstanceBoxes(double threshold, double dip, double minArea) {
        if (!(threshold >= 0 && threshold < 1) || !(dip >= 0 && dip <= 1) || !(minArea >= 0 && minArea < 1)) {
            throw new IllegalArgumentException("threshold in [0, 1), dip in [0, 1], min area in [0, 1)");
        }
        this.threshold = threshold;
        this.dip = dip;
        this.minArea = minArea;
    }

    /** The regions, highest peak first. */
    public List<Instance> extract(float[] map, int h, int w) {
        float max = BoxExtractor.maxOf(map);
        double cut = threshold * max;
        double minProminence = dip * max;
        // pixels above the cut, highest first: (sortable value bits, index) in one long, sorted ascending
        long[] order = new long[map.length];
        int n = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] > cut) {
                int bits = Float.floatToIntBits(map[i]);
                bits ^= (bits >> 31) & 0x7fffffff; // negative floats sort below positive ones
                order[n++] = ((long) bits << 32) | i;
            }
        }
        order = Arrays.copyOf(order, n);
        Arrays.sort(order);
        int[] parent = new int[map.length];
        Arrays.fill(parent, -1);
        Region[] region = new Region[map.length];
        int[] roots = new int[8];
        for (int k = n - 1; k >= 0; k--) {
            int p = (int) order[k];
            int x = p % w;
            int y = p / w;
            int found = 0;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx;
                    int ny = y + dy;
                    if ((dx | dy) == 0 || nx < 0 || ny < 0 || nx >= w || ny >= h || parent[ny * w + nx] < 0) {
                        continue;
                    }
                    int r = find(parent, ny * w + nx);
                    boolean seen = false;
                    for (int j = 0; j < found; j++) {
                        seen |= roots[j] == r;
                    }
                    if (!seen) {
                        roots[found++] = r;
                    }
                }
            }
            if (found == 0) {
                parent[p] = p;
                region[p] = new Region(map[p], x, y);
                continue;
            }
            int top = roots[0];
            for (int j = 1; j < found; j++) {
                if (higher(region[roots[j]], roots[j], region[top], top)) {
                    top = roots[j];
                }
            }
            for (int j = 0; j < found; j++) {
                int r = roots[j];
                if (r != top && region[r].peak - map[p] < minProminence) {
                    parent[r] = top; // too shallow a dip: the same object
                    region[top].absorb(region[r]);
                    region[r] = null;
                }
            }
            parent[p] = top;
            region[top].add(x, y);
        }
        List<Instance> out = new ArrayList<>();
        int minPixels = (int) Math.ceil(minArea * h * w);
        Instance highest = null;
        for (int i = 0; i < map.length; i++) {
            if (parent[i] == i) {
                Region r = region[i];
                Instance in = new Instance(new PixelBox(r.x0, r.y0, r.x1, r.y1), r.pixels, r.peak);
                if (highest == null || in.peak() > highest.peak()) {
                    highest = in;
                }
                if (r.pixels >= minPixels) {
                    out.add(in);
                }
            }
        }
        if (out.isEmpty() && highest != null) {
            out.add(highest);
        }
        out.sort(Comparator.comparingDouble((Instance in) -> -in.peak()));
        return out;
    }

    /** Ties between equal peaks go to the region that started first in the flood (the lower root index). */
    private static boolean higher(Region a, int ia, Region b, int ib) {
        return a.peak > b.peak || (a.peak == b.peak && ia < ib);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** A region being flooded: its peak, pixel count and bounding box. */
    private static final class Region {
        final float peak;
        int pixels;
        int x0;
        int y0;
        int x1;
        int y1;

        Region(float peak, int x, int y) {
            this.peak = peak;
            this.pixels = 1;
            x0 = x1 = x;
            y0 = y1 = y;
        }

        void add(int x, int y) {
            pixels++;
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
        }

        void absorb(Region o) {
            pixels += o.pixels;
            x0 = Math.min(x0, o.x0);
            x1 = Math.max(x1, o.x1);
            y0 = Math.min(y0, o.y0);
            y1 = Math.max(y1, o.y1);
        }
    }
}
