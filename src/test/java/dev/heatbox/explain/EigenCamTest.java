package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EigenCamTest {
    @Test
    void aRankOneFeatureMapProjectsOntoItsSpatialPatternWithThePositiveSign() {
        int k = 12;
        int hw = 49;
        float[] pattern = new float[hw];
        for (int p = 0; p < hw; p++) {
            int y = p / 7;
            int x = p % 7;
            pattern[p] = (float) Math.exp(-((x - 2) * (x - 2) + (y - 4) * (y - 4)) / 3.0); // a blob at (2, 4)
        }
        Random r = new Random(1);
        float[] a = new float[k * hw];
        for (int ch = 0; ch < k; ch++) {
            float w = 0.5f + r.nextFloat(); // every channel fires on the blob, more or less
            for (int p = 0; p < hw; p++) {
                a[ch * hw + p] = w * pattern[p] + 0.01f * r.nextFloat();
            }
        }
        float[] map = EigenCam.project(a, 0, k, hw);
        assertTrue(Heatmaps.correlation(map, pattern) > 0.99, "the map is the blob");
        int argmax = 0;
        for (int p = 1; p < hw; p++) {
            if (map[p] > map[argmax]) {
                argmax = p;
            }
        }
        assertTrue(argmax == 4 * 7 + 2, "peak on the blob, not on its negative: " + argmax);
        // negating the features flips the principal direction, and the sign rule flips it back
        float[] neg = a.clone();
        for (int i = 0; i < neg.length; i++) {
            neg[i] = -neg[i];
        }
        assertTrue(Heatmaps.correlation(EigenCam.project(neg, 0, k, hw), pattern) < -0.99,
                "on negated features the map follows the (negated) channel sum");
        assertArrayEquals(new float[hw], EigenCam.project(new float[k * hw], 0, k, hw), "a constant map has no direction");
    }
}
