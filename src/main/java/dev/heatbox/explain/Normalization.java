package dev.heatbox.explain;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an upsampled map becomes [0, 1] before boxes are cut from it. Min-max lifts a background
 * floor along with the object, so a floor above τ·max turns the whole image into the box; IVR
 * (Kim et al., ICCV 2021, "Normalization Matters in WSOL") subtracts a percentile of the map
 * first, clips at 0 and divides by the max, so the floor goes to 0.
 */
@FunctionalInterface
public interface Normalization {
    /** Normalizes in place and returns the map. */
    float[] apply(float[] map);

    Normalization MIN_MAX = Heatmaps::minMaxNormalize;

    /** @param percentile the fraction of the map's values that go to 0, in [0, 1) */
    static Normalization ivr(double percentile) {
        if (!(percentile >= 0 && percentile < 1)) {
            throw new IllegalArgumentException("the IVR percentile is a fraction in [0, 1), e.g. ivr:0.4");
        }
        return m -> {
            float[] sorted = m.clone();
            Arrays.sort(sorted);
            if (Float.isNaN(sorted[sorted.length - 1])) {
                throw new IllegalArgumentException("heatmap contains NaN");
            }
            float floor = sorted[(int) Math.floor(percentile * (sorted.length - 1))];
            float max = sorted[sorted.length - 1] - floor;
            for (int i = 0; i < m.length; i++) {
                m[i] = max > 0 ? Math.max(0f, m[i] - floor) / max : 0f;
            }
            return m;
        };
    }

    /** {@code minmax} or {@code ivr:P} (P a fraction, e.g. ivr:0.4 zeroes the lowest 40 % of the map). */
    static Normalization parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("minmax")) {
            return MIN_MAX;
        }
        if (t.startsWith("ivr:")) {
            try {
                return ivr(Double.parseDouble(t.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ivr:P needs a number P, e.g. ivr:0.4");
            }
        }
        throw new IllegalArgumentException("normalization '" + s + "': minmax or ivr:P (e.g. ivr:0.4)");
    }
}
