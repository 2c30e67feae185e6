package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heatbox.data.PixelBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxExtractorTest {
    private static float[] grid(float[][] rows) {
        int w = rows[0].length;
        float[] m = new float[rows.length * w];
        for (int y = 0; y < rows.length; y++) {
            System.arraycopy(rows[y], 0, m, y * w, w);
        }
        return m;
    }

    @Test
    void pixelsEqualToTheCutAreLeftOut() {
        // max 1.0, τ = 0.5: the cut is 0.5 and "above" is strict, so the 0.5 column is out
        float[] m = grid(new float[][] {
            {0.0f, 0.5f, 0.6f, 1.0f},
            {0.0f, 0.5f, 0.6f, 0.9f},
            {0.0f, 0.0f, 0.0f, 0.0f}});
        List<BoxExtractor.Component> c = new BoxExtractor(0.5, BoxExtractor.Mode.LARGEST).extract(m, 3, 4);
        assertEquals(List.of(new PixelBox(2, 0, 3, 1)), c.stream().map(BoxExtractor.Component::box).toList());
        assertEquals(4, c.get(0).pixels());
    }

    @Test
    void theCutIsComparedInDoubleNotRoundedToFloat() {
        // max 1, τ = 0.2: the cut is the double 0.2; the float 0.2f is slightly above it, so it is in
        float[] m = {0.2f, 0f, 0f, 1f};
        List<BoxExtractor.Component> c = new BoxExtractor(0.2, BoxExtractor.Mode.ALL).extract(m, 1, 4);
        assertEquals(2, c.size());
        float below = Math.nextDown((float) 0.2); // below the double 0.2: out
        assertEquals(1, new BoxExtractor(0.2, BoxExtractor.Mode.ALL).extract(new float[] {below, 0f, 0f, 1f}, 1, 4).size());
    }

    @Test
    void largestComponentByPixelCountAndAllComponentsLargestFirst() {
        float[] m = grid(new float[][] {
            {1, 0, 0, 0, 0, 0},
            {0, 0, 0, 1, 1, 0},
            {0, 0, 0, 1, 1, 0},
            {0, 1, 0, 0, 0, 0},
            {1, 1, 0, 0, 0, 1}});
        BoxExtractor largest = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST);
        assertEquals(new PixelBox(3, 1, 4, 2), largest.extract(m, 5, 6).get(0).box());
        List<BoxExtractor.Component> all = new BoxExtractor(0.2, BoxExtractor.Mode.ALL).extract(m, 5, 6);
        assertEquals(List.of(new PixelBox(3, 1, 4, 2), new PixelBox(0, 3, 1, 4), new PixelBox(0, 0, 0, 0),
                new PixelBox(5, 4, 5, 4)), all.stream().map(BoxExtractor.Component::box).toList());
    }

    @Test
    void diagonalNeighboursJoinOneComponent() {
        // 8-connectivity: a diagonal chain is one component
        float[] m = grid(new float[][] {
            {1, 0, 0},
            {0, 1, 0},
            {0, 0, 1}});
        List<BoxExtractor.Component> all = new BoxExtractor(0.2, BoxExtractor.Mode.ALL).extract(m, 3, 3);
        assertEquals(1, all.size());
        assertEquals(new PixelBox(0, 0, 2, 2), all.get(0).box());
    }

    @Test
    void equalSizedComponentsTieToTheFirstInRasterOrder() {
        float[] m = grid(new float[][] {
            {0, 0, 0, 1},
            {0, 0, 0, 1},
            {1, 0, 0, 0},
            {1, 0, 0, 0}});
        assertEquals(new PixelBox(3, 0, 3, 1),
                new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(m, 4, 4).get(0).box());
    }

    @Test
    void constantMapIsOneBoxOverEverythingAboveZeroOrNothing() {
        float[] zeros = new float[12];
        assertEquals(0, new BoxExtractor(0.2, BoxExtractor.Mode.ALL).extract(zeros, 3, 4).size());
    }

    @Test
    void nanIsRefused() {
        float[] m = {0, Float.NaN, 1, 0};
        assertThrows(IllegalArgumentException.class, () -> new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(m, 2, 2));
    }
}
