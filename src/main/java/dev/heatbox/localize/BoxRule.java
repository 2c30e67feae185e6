package dev.heatbox.localize;

import dev.heatbox.data.PixelBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which boxes a map gives at threshold τ, as written in recipes and on the command line:
 * {@code largest} (the CAM paper's largest component), {@code all} (every component), or
 * {@code instances[:DIP[:MIN_AREA]]} (one box per peak standing DIP · max above where it meets a
 * higher one, regions of at least MIN_AREA of the map; {@link InstanceBoxes}).
 */
public record BoxRule(String kind, double dip, double minArea) {
    public static final BoxRule LARGEST = new BoxRule("largest", 0, 0);
    public static final double DEFAULT_DIP = 0.2;
    public static final double DEFAULT_MIN_AREA = 0.01;

    public BoxRule {
        if (!kind.equals("largest") && !kind.equals("all") && !kind.equals("instances")) {
            throw new IllegalArgumentException("box rule: largest, all or instances[:DIP[:MIN_AREA]], got '" + kind + "'");
        }
        if (!(dip >= 0 && dip <= 1) || !(minArea >= 0 && minArea < 1)) {
            throw new IllegalArgumentException("instances: DIP in [0, 1] and MIN_AREA in [0, 1), got " + dip + ", " + minArea);
        }
    }

    /** Parses {@code largest}, {@code all}, {@code instances}, {@code instances:0.3} or {@code instances:0.3:0.02}. */
    public static BoxRule parse(String spec) {
        String[] p = spec.strip().split(":", -1);
        if (!p[0].equals("instances")) {
            if (p.length > 1) {
                throw new IllegalArgumentException("box rule '" + spec + "': only instances takes parameters");
            }
            return new BoxRule(p[0], 0, 0);
        }
        if (p.length > 3) {
            throw new IllegalArgumentException("box rule '" + spec + "': instances[:DIP[:MIN_AREA]]");
        }
        try {
            return new BoxRule("instances", p.length > 1 ? Double.parseDouble(p[1]) : DEFAULT_DIP,
                    p.length > 2 ? Double.parseDouble(p[2]) : DEFAULT_MIN_AREA);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("box rule '" + spec + "': DIP and MIN_AREA are numbers");
        }
    }

    /** The boxes of a map at threshold τ (a fraction of its max), the first being the best (largest or highest). */
    public List<PixelBox> boxes(float[] map, int h, int w, double threshold) {
        List<PixelBox> out = new ArrayList<>();
        if (kind.equals("instances")) {
            new InstanceBoxes(threshold, dip, minArea).extract(map, h, w).forEach(i -> out.add(i.box()));
        } else {
            BoxExtractor.Mode mode = kind.equals("all") ? BoxExtractor.Mode.ALL : BoxExtractor.Mode.LARGEST;
            new BoxExtractor(threshold, mode).extract(map, h, w).forEach(c -> out.add(c.box()));
        }
        return out;
    }

    /**
     * A box's score, the same in label and in tune: the explained class's probability × the mean
     * heat inside the box, so a box ranks high where the model is sure and the box holds heat.
     */
    public static double score(float[] map, int w, PixelBox b, double probability) {
        double s = 0;
        for (int y = b.y0(); y <= b.y1(); y++) {
            for (int x = b.x0(); x <= b.x1(); x++) {
                s += map[y * w + x];
            }
        }
        return probability * (s / ((double) b.width() * b.height()));
    }

    /** The form {@link #parse} reads back. */
    @Override
    public String toString() {
        return kind.equals("instances") ? String.format(Locale.ROOT, "instances:%s:%s", num(dip), num(minArea)) : kind;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
