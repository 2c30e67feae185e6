package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.data.PixelBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {
    static final int S = 32;

    /** A map with one hot square; its box is the square. */
    static float[] square(int x0, int y0, int side) {
        float[] m = new float[S * S];
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                m[y * S + x] = 1f;
            }
        }
        return m;
    }

    @Test
    void aVariantRightOnEveryImageAgainstOneNeverRight() {
        MaxBoxAcc good = MaxBoxAcc.v2(0.01);
        MaxBoxAcc bad = MaxBoxAcc.v2(0.01);
        PixelBox gt = new PixelBox(4, 4, 13, 13);
        for (int i = 0; i < 10; i++) {
            good.accumulate(square(4, 4, 10), S, S, List.of(gt));
            bad.accumulate(square(20, 20, 10), S, S, List.of(gt));
        }
        PairedBootstrap.Interval d = PairedBootstrap.difference(good, bad, 2000, 1);
        assertEquals(1.0, d.difference(), 1e-12);
        assertEquals(1.0, d.low(), 1e-12);
        assertEquals(1.0, d.high(), 1e-12);
    }

    @Test
    void theIntervalHoldsTheObservedDifferenceAndWidensWhenImagesDisagree() {
        MaxBoxAcc a = MaxBoxAcc.v2(0.01);
        MaxBoxAcc b = MaxBoxAcc.v2(0.01);
        PixelBox gt = new PixelBox(4, 4, 13, 13);
        for (int i = 0; i < 20; i++) {
            boolean aRight = i % 4 != 0; // a: 15 of 20; b: 10 of 20, the images differ
            boolean bRight = i % 2 == 0;
            a.accumulate(aRight ? square(4, 4, 10) : square(20, 20, 10), S, S, List.of(gt));
            b.accumulate(bRight ? square(4, 4, 10) : square(20, 20, 10), S, S, List.of(gt));
        }
        PairedBootstrap.Interval d = PairedBootstrap.difference(a, b, 5000, 1);
        assertEquals(0.25, d.difference(), 1e-12);
        assertTrue(d.low() < 0.25 && d.high() > 0.25 && d.low() > -0.25 && d.high() < 0.7, d.toString());
        // resampling all images once each gives the figure itself
        int[] all = new int[20];
        for (int i = 0; i < 20; i++) {
            all[i] = i;
        }
        assertEquals(a.mean(), a.meanOf(all), 1e-12);
    }

    @Test
    void differentImageCountsAreRefused() {
        MaxBoxAcc a = MaxBoxAcc.v2(0.01);
        MaxBoxAcc b = MaxBoxAcc.v2(0.01);
        a.accumulate(square(4, 4, 10), S, S, List.of(new PixelBox(4, 4, 13, 13)));
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.difference(a, b, 10, 1));
    }
}
