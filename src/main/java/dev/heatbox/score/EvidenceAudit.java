package dev.heatbox.score;

import dev.heatbox.data.PixelBox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a model's evidence lies relative to the objects, per class: the energy-based pointing
 * game (share of heatmap mass inside the ground-truth boxes; Wang et al., Score-CAM), the pointing
 * game (is the map's maximum inside a box; Zhang et al.), the share of the predicted box's area
 * outside the boxes, and the share of the image the boxes cover — the energy a uniform map would
 * get, the baseline every energy is read against.
 */
public final class EvidenceAudit {
    /**
     * The flag rule, the words made a number: a class is flagged when most of its heatmap
     * energy lies outside its objects. The threshold does not scale with object size on purpose:
     * a coarse map around a small object does put most of its evidence beside it, and the user
     * should see that; box_area_share (what a uniform map gets) is reported next to it.
     */
    public static final double MOSTLY_OUTSIDE = 0.5;
    public static final String RULE = "flagged when energy_in_box < " + MOSTLY_OUTSIDE + ": most of the class's heatmap"
            + " energy lies outside its ground-truth boxes (a uniform map would get box_area_share)";

    /** One image's measures. */
    public record ImageScore(String image, String cls, double energyInBox, boolean pointingHit, double boxAreaShare,
                             double outsideBoxArea) {}

    private final Map<String, double[]> sums = new TreeMap<>(); // energy, pointing, share, outside, count
    private final double[] overall = new double[5];

    /**
     * @param map   heatmap [h·w], non-negative
     * @param boxes the class's ground-truth boxes at the map's resolution
     * @param predicted the box the CAM rule gives on this map, or null
     */
    public static ImageScore score(String image, String cls, float[] map, int h, int w, List<PixelBox> boxes, PixelBox predicted) {
        boolean[] in = new boolean[h * w];
        int inside = 0;
        for (PixelBox b : boxes) {
            for (int y = Math.max(0, b.y0()); y <= Math.min(h - 1, b.y1()); y++) {
                for (int x = Math.max(0, b.x0()); x <= Math.min(w - 1, b.x1()); x++) {
                    if (!in[y * w + x]) {
                        in[y * w + x] = true;
                        inside++;
                    }
                }
            }
        }
        double total = 0;
        double inBox = 0;
        int argmax = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] < 0 || Float.isNaN(map[i])) {
                throw new IllegalArgumentException("heatmap values must be non-negative numbers");
            }
            total += map[i];
            if (in[i]) {
                inBox += map[i];
            }
            if (map[i] > map[argmax]) {
                argmax = i;
            }
        }
        double outside = 1;
        if (predicted != null) {
            int area = 0;
            int out = 0;
            for (int y = predicted.y0(); y <= predicted.y1(); y++) {
                for (int x = predicted.x0(); x <= predicted.x1(); x++) {
                    area++;
                    if (!in[y * w + x]) {
                        out++;
                    }
                }
            }
            outside = (double) out / area;
        }
        return new ImageScore(image, cls, total > 0 ? inBox / total : 0, total > 0 && in[argmax], (double) inside / (h * w),
                outside);
    }

    public void accumulate(ImageScore s) {
        double[] v = {s.energyInBox(), s.pointingHit() ? 1 : 0, s.boxAreaShare(), s.outsideBoxArea(), 1};
        double[] c = sums.computeIfAbsent(s.cls(), k -> new double[5]);
        for (int i = 0; i < 5; i++) {
            c[i] += v[i];
            overall[i] += v[i];
        }
    }

    /** Means of one class (or overall), with the flag. */
    public record ClassResult(long images, double energyInBox, double pointingGame, double boxAreaShare,
                              double outsideBoxArea, boolean flagged) {}

    public static boolean flag(double energyInBox, double boxAreaShare) {
        return energyInBox < MOSTLY_OUTSIDE;
    }

    private static ClassResult result(double[] c) {
        double n = c[4];
        double e = c[0] / n;
        double share = c[2] / n;
        return new ClassResult((long) n, e, c[1] / n, share, c[3] / n, flag(e, share));
    }

    public Map<String, ClassResult> perClass() {
        Map<String, ClassResult> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, result(v)));
        return out;
    }

    public ClassResult overall() {
        return result(overall);
    }
}
