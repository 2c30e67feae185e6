package dev.heatbox.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test-time augmentation: the image is also seen mirrored and/or enlarged, every view's map is taken
 * for the same target, brought back onto the image (mirrored back; an enlarged view's map covers the
 * same image, so it is only resized) and the maps are averaged. Written {@code none}, or items joined
 * by {@code +}: {@code flip} and scales such as {@code x1.5} (e.g. {@code flip+x1.5}: four views).
 * The cost is the sum over views of scale², times two with flip.
 */
public record Tta(boolean flip, List<Double> scales) {
    public static final Tta NONE = new Tta(false, List.of());

    public Tta {
        scales = List.copyOf(scales);
    }

    /** One view: the input scale and whether it is mirrored. */
    public record View(double scale, boolean mirrored) {}

    /** Every view, the plain image first. */
    public List<View> views() {
        List<View> out = new ArrayList<>();
        List<Double> all = new ArrayList<>(List.of(1.0));
        all.addAll(scales);
        for (double s : all) {
            out.add(new View(s, false));
            if (flip) {
                out.add(new View(s, true));
            }
        }
        return out;
    }

    /** Adds a view's map (on the image's h×w) to {@code sum}, mirrored back first when the view was mirrored. */
    public static void addBack(View view, float[] map, float[] sum, int h, int w) {
        float[] m = view.mirrored() ? Heatmaps.mirror(map, 1, h, w) : map;
        for (int j = 0; j < sum.length; j++) {
            sum[j] += m[j];
        }
    }

    public static Tta of(boolean flip) {
        return flip ? new Tta(true, List.of()) : NONE;
    }

    public static Tta parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        boolean flip = false;
        List<Double> scales = new ArrayList<>();
        for (String item : t.split("\\+")) {
            if (item.equals("flip")) {
                flip = true;
            } else if (item.startsWith("x")) {
                double v;
                try {
                    v = Double.parseDouble(item.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("TTA scale '" + item + "': x followed by a number, e.g. x1.5");
                }
                if (!(v >= 0.5 && v <= 3) || v == 1) {
                    throw new IllegalArgumentException("TTA scale '" + item + "': between x0.5 and x3, not x1 (always a view)");
                }
                scales.add(v);
            } else {
                throw new IllegalArgumentException("TTA '" + s + "': none, or flip and/or scales joined by +, e.g. flip+x1.5");
            }
        }
        return new Tta(flip, scales);
    }

    @Override
    public String toString() {
        if (!flip && scales.isEmpty()) {
            return "none";
        }
        List<String> items = new ArrayList<>();
        if (flip) {
            items.add("flip");
        }
        scales.forEach(v -> items.add("x" + (v == Math.rint(v) ? String.valueOf(v.intValue()) : String.valueOf(v))));
        return String.join("+", items);
    }
}
