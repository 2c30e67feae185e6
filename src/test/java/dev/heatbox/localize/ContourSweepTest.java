package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.Heatmaps;
import dev.heatbox.score.Iou;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The union–find sweep gives, at every cut, the best IoU over the boxes of OpenCV's contours. */
class ContourSweepTest {
    static void assertSameAsOpenCv(float[] map, int h, int w, List<PixelBox> gt, String what) {
        WsolBoxes wb = new WsolBoxes(map, h, w);
        double[] fast = wb.bestIouAllContours(gt);
        for (int c = 0; c < 256; c++) {
            // a τ whose cut is c: the boxes OpenCV gives at that cut
            double tau = c == 0 ? 0 : c / 255.0;
            if (wb.cut(tau) != c) {
                continue;
            }
            List<PixelBox> boxes = wb.boxes(tau, true); // (0, 0, 0, 0) when there is no contour
            double want = 0;
            for (PixelBox b : boxes) {
                for (PixelBox g : gt) {
                    want = Math.max(want, Iou.wsol(b, g));
                }
            }
            assertEquals(want, fast[c], 1e-12, what + " cut " + c + " boxes " + boxes);
        }
    }

    @Test
    void smoothNoisyAndRingedMapsAgreeWithOpenCv() {
        Random rng = new Random(5);
        List<PixelBox> gt = List.of(new PixelBox(10, 12, 40, 50), new PixelBox(50, 5, 70, 30));
        for (int k = 0; k < 30; k++) {
            int h = 64 + rng.nextInt(20);
            int w = 64 + rng.nextInt(20);
            float[] map;
            if (k % 3 == 0) { // smooth, CAM-like
                int s = 4 + rng.nextInt(8);
                float[] small = new float[s * s];
                for (int i = 0; i < small.length; i++) {
                    small[i] = (float) Math.max(0, rng.nextGaussian());
                }
                map = Heatmaps.minMaxNormalize(Heatmaps.resize(small, s, s, h, w));
            } else if (k % 3 == 1) { // noise: many components and holes
                map = new float[h * w];
                for (int i = 0; i < map.length; i++) {
                    map[i] = rng.nextFloat();
                }
            } else { // rings: holes nested in components nested in holes, some touching the edge
                map = new float[h * w];
                double cx = rng.nextInt(w);
                double cy = rng.nextInt(h);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double r = Math.hypot(x - cx, y - cy);
                        map[y * w + x] = (float) (0.5 + 0.5 * Math.sin(r / (2 + k % 5)));
                    }
                }
            }
            assertSameAsOpenCv(map, h, w, gt, "map " + k);
        }
    }

    @Test
    void anEmptyMaskScoresTheZeroBoxAndAOnePixelHoleIsFound() {
        float[] zeros = new float[20 * 20];
        List<PixelBox> gt = List.of(new PixelBox(0, 0, 3, 3));
        assertEquals(1.0 / 16, new WsolBoxes(zeros, 20, 20).bestIouAllContours(gt)[0], 1e-12);
        float[] ring = new float[9 * 9];
        for (int y = 2; y <= 6; y++) {
            for (int x = 2; x <= 6; x++) {
                ring[y * 9 + x] = y == 4 && x == 4 ? 0f : 1f;
            }
        }
        assertSameAsOpenCv(ring, 9, 9, List.of(new PixelBox(3, 3, 5, 5)), "ring");
    }
}
