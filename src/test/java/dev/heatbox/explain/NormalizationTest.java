package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.data.PixelBox;
import dev.heatbox.localize.BoxExtractor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Min-max against IVR on a map whose background has a noisy floor, as real photos and scans give. */
class NormalizationTest {
    static final int H = 40;
    static final int W = 40;

    /** Background noise in [0.4, 0.6], an object block of 1.0 at rows 10..19, columns 22..33. */
    static float[] mapWithAFloor() {
        Random r = new Random(7);
        float[] m = new float[H * W];
        for (int i = 0; i < m.length; i++) {
            m[i] = 0.4f + 0.2f * r.nextFloat();
        }
        for (int y = 10; y < 20; y++) {
            for (int x = 22; x < 34; x++) {
                m[y * W + x] = 1f;
            }
        }
        return m;
    }

    static PixelBox box(float[] normalized) {
        return new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(normalized, H, W).get(0).box();
    }

    @Test
    void minMaxLetsTheFloorIntoTheBoxAndIvrDoesNot() {
        PixelBox minMax = box(Normalization.MIN_MAX.apply(mapWithAFloor()));
        assertTrue(minMax.width() > 35 && minMax.height() > 35, "min-max: the floor crosses 0.2·max, the box is the image: " + minMax);
        PixelBox ivr = box(Normalization.ivr(0.5).apply(mapWithAFloor()));
        assertEquals(new PixelBox(22, 10, 33, 19), ivr, "IVR at the median: the object alone");
    }

    @Test
    void ivrKeepsOrderClipsTheLowPartAndEndsAtOne() {
        float[] m = {0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f};
        float[] n = Normalization.ivr(0.4).apply(m.clone());
        // the 0.4-quantile (index floor(0.4·9) = 3) is 3: values up to it become 0, the max 1
        assertEquals(0f, n[0]);
        assertEquals(0f, n[3]);
        assertEquals(1f / 6f, n[4], 1e-6);
        assertEquals(1f, n[9]);
        float[] flat = Normalization.ivr(0.4).apply(new float[] {2f, 2f, 2f});
        assertEquals(0f, flat[0] + flat[1] + flat[2], "a constant map has nothing above its floor");
    }

    @Test
    void parsesWhatTheOptionTakes() {
        assertEquals(Normalization.MIN_MAX, Normalization.parse("minmax"));
        float[] a = Normalization.parse("ivr:0.4").apply(new float[] {0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f});
        assertEquals(1f / 6f, a[4], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("ivr:1.5"));
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("ivr:x"));
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("zscore"));
    }
}
