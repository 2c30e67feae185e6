package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** OpenCV's connectedComponentsWithStats, the reference the run-based labelling must agree with. */
    static List<BoxExtractor.Component> opencv(float[] map, int h, int w, double threshold) {
        dev.heatbox.util.Cv.load();
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        double cut = threshold * max;
        byte[] mask = new byte[h * w];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = map[i] > cut ? (byte) 255 : 0;
        }
        org.opencv.core.Mat bin = new org.opencv.core.Mat(h, w, org.opencv.core.CvType.CV_8UC1);
        bin.put(0, 0, mask);
        org.opencv.core.Mat labels = new org.opencv.core.Mat();
        org.opencv.core.Mat stats = new org.opencv.core.Mat();
        org.opencv.core.Mat centroids = new org.opencv.core.Mat();
        int n = org.opencv.imgproc.Imgproc.connectedComponentsWithStats(bin, labels, stats, centroids, 8,
                org.opencv.core.CvType.CV_32S);
        List<BoxExtractor.Component> out = new java.util.ArrayList<>();
        int[] row = new int[5];
        for (int l = 1; l < n; l++) {
            stats.get(l, 0, row);
            out.add(new BoxExtractor.Component(new PixelBox(row[0], row[1], row[0] + row[2] - 1, row[1] + row[3] - 1), row[4]));
        }
        out.sort((a, b) -> Integer.compare(b.pixels(), a.pixels()));
        return out;
    }

    @Test
    void agreesWithOpenCvOnRandomMaps() {
        agreesWithOpenCv(new java.util.Random(9), 300, 60);
    }

    /** Rows of several 64-pixel words, with and without a partial last word. */
    @Test
    void agreesWithOpenCvOnWideRows() {
        agreesWithOpenCv(new java.util.Random(10), 120, 300);
    }

    private static void agreesWithOpenCv(java.util.Random r, int cases, int maxSide) {
        for (int t = 0; t < cases; t++) {
            int h = 5 + r.nextInt(maxSide);
            int w = 5 + r.nextInt(maxSide);
            float[] m = new float[h * w];
            if (t % 2 == 0) {
                for (int i = 0; i < m.length; i++) {
                    m[i] = r.nextFloat(); // noise: many small components, diagonal contacts
                }
            } else {
                int s = 2 + r.nextInt(6);
                float[] small = new float[s * s];
                for (int i = 0; i < small.length; i++) {
                    small[i] = (float) Math.max(0, r.nextGaussian());
                }
                m = dev.heatbox.explain.Heatmaps.resize(small, s, s, h, w); // CAM-like blobs
            }
            double thr = 0.05 + 0.9 * r.nextDouble();
            // the same components; among equal sizes OpenCV's block-based scan (two rows at a time) may
            // number them differently from the strict raster order Heatbox documents, so compare in one order
            java.util.Comparator<BoxExtractor.Component> order = java.util.Comparator
                    .comparingInt((BoxExtractor.Component c) -> -c.pixels())
                    .thenComparingInt(c -> c.box().y0()).thenComparingInt(c -> c.box().x0());
            List<BoxExtractor.Component> ref = new java.util.ArrayList<>(opencv(m, h, w, thr));
            List<BoxExtractor.Component> got = new java.util.ArrayList<>(new BoxExtractor(thr, BoxExtractor.Mode.ALL).extract(m, h, w));
            ref.sort(order);
            got.sort(order);
            assertEquals(ref, got, "case " + t);
        }
    }

    @Test
    void nanIsRefused() {
        float[] m = {0, Float.NaN, 1, 0};
        assertThrows(IllegalArgumentException.class, () -> new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(m, 2, 2));
    }

    @Test
    void otsuCutsABimodalMapBetweenItsModesWhereAFixedTauWouldNot() {
        int h = 40;
        int w = 40;
        float[] map = new float[h * w];
        java.util.Random r = new java.util.Random(2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean object = x >= 10 && x < 25 && y >= 5 && y < 30;
                map[y * w + x] = (object ? 0.9f : 0.45f) + 0.05f * (float) r.nextGaussian(); // a high floor
            }
        }
        double tau = BoxExtractor.otsu(map);
        assertTrue(tau > 0.55 && tau < 0.9, "between the modes, as a fraction of the max: " + tau);
        PixelBox b = new BoxExtractor(tau, BoxExtractor.Mode.LARGEST).extract(map, h, w).get(0).box();
        assertEquals(new PixelBox(10, 5, 24, 29), b);
        PixelBox fixed = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(map, h, w).get(0).box();
        assertEquals(new PixelBox(0, 0, w - 1, h - 1), fixed, "τ 0.2 takes the floor too");
        assertEquals(0, BoxExtractor.otsu(new float[10]), "an all-zero map");
    }
}
