package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Saliency against finite differences, occlusion on an unchanged region, RISE determinism. */
class InputMethodsTest {
    static final Path V1 = Path.of("models/mobilenet_v1_0.25_128");

    static float[] image(SplitModel m) {
        return m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), false));
    }

    @Test
    void saliencyMatchesCentralFiniteDifferences() {
        try (SplitModel m = Models.load(V1, null, null); NDManager sub = m.manager().newSubManager()) {
            float[] x = image(m);
            Shape shape = new Shape(1, 3, 128, 128);
            int target = 386;
            float[] g = Saliency.inputGradient(m, sub.create(x, shape), new int[] {target}).toFloatArray();
            double gmax = 0;
            for (float v : g) {
                gmax = Math.max(gmax, Math.abs(v));
            }
            Random r = new Random(5);
            double eps = 1e-2;
            for (int t = 0; t < 10; t++) {
                int idx = r.nextInt(x.length);
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[idx] += (float) eps;
                minus[idx] -= (float) eps;
                double yp = m.scores(m.features(sub.create(plus, shape))).getFloat(0, target);
                double ym = m.scores(m.features(sub.create(minus, shape))).getFloat(0, target);
                assertEquals((yp - ym) / (2 * eps), g[idx], 0.05 * gmax + 1e-4, "input element " + idx);
            }
        }
    }

    @Test
    void occludingAnAlreadyBlankRegionChangesNothing() {
        try (SplitModel m = Models.load(V1, null, null)) {
            float[] x = image(m);
            // blank (baseline 0 after normalization) the left 64 columns
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 128; y++) {
                    for (int xx = 0; xx < 64; xx++) {
                        x[c * 128 * 128 + y * 128 + xx] = 0f;
                    }
                }
            }
            ExplainEngine e = new ExplainEngine(m, new Occlusion(32, 32, 16));
            ExplainEngine.LayerMaps lm = e.layerMaps(List.of(x), TargetRule.rank(0, m.labels()));
            float[] map = lm.maps()[0];
            double right = 0;
            for (int y = 0; y < 128; y++) {
                for (int xx = 0; xx < 128; xx++) {
                    if (xx < 64) {
                        assertEquals(0f, map[y * 128 + xx], 1e-6, "pixel " + xx + "," + y);
                    } else {
                        right += Math.abs(map[y * 128 + xx]);
                    }
                }
            }
            assertTrue(right > 0, "occluding the image itself changes the score");
        }
    }

    @Test
    void riseWithAFixedSeedIsDeterministic() {
        try (SplitModel m = Models.load(V1, null, null)) {
            float[] x = image(m);
            TargetRule top = TargetRule.rank(0, m.labels());
            float[] a = new ExplainEngine(m, new Rise(64, 7, 0.5, 3, 32)).layerMaps(List.of(x), top).maps()[0];
            float[] b = new ExplainEngine(m, new Rise(64, 7, 0.5, 3, 32)).layerMaps(List.of(x), top).maps()[0];
            assertArrayEquals(a, b);
            float[] c = new ExplainEngine(m, new Rise(64, 7, 0.5, 4, 32)).layerMaps(List.of(x), top).maps()[0];
            assertTrue(!java.util.Arrays.equals(a, c), "another seed, other masks");
        }
    }
}
