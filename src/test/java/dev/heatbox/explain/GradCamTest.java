package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.HeadPass;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.model.mxnet.MxSymbolModel;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The article's claims and the engine's contracts, on the shipped MobileNetV2. */
class GradCamTest {
    static final Path V2 = Path.of("models/mobilenet_v2_1.0_224");
    static final Path IMAGES = Path.of("datasets/coco-sample/images");
    static SplitModel model;
    static List<float[]> inputs;

    @BeforeAll
    static void load() {
        model = Models.load(V2, null, null);
        inputs = List.of(
                model.input().toTensor(Cv.read(IMAGES.resolve("val2017_000000519208.jpg"), false)),
                model.input().toTensor(Cv.read(IMAGES.resolve("train2017_000000425988.jpg"), false)),
                model.input().toTensor(Cv.read(IMAGES.resolve("val2017_000000377575.jpg"), false)));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ExplainEngine.LayerMaps maps(Method m, List<float[]> in, TargetRule rule) {
        return new ExplainEngine(model, m).layerMaps(in, rule);
    }

    @Test
    void gradCamEqualsCamOverZOnAGapNetwork() {
        TargetRule top = TargetRule.rank(0, model.labels());
        ExplainEngine.LayerMaps cam = maps(new Cam(), inputs, top);
        ExplainEngine.LayerMaps grad = maps(new GradCam(), inputs, top);
        int z = cam.height() * cam.width();
        assertEquals(49, z);
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(cam.targets()[i], grad.targets()[i]);
            float max = 0;
            for (float v : cam.maps()[i]) {
                max = Math.max(max, v);
            }
            assertTrue(max > 0);
            for (int p = 0; p < z; p++) {
                assertEquals(cam.maps()[i][p] / z, grad.maps()[i][p], 1e-5 * max / z + 1e-7, "image " + i + " cell " + p);
            }
        }
    }

    @Test
    void headGradientMatchesCentralFiniteDifferences() {
        // cut one block earlier, so the head (1×1 conv, ReLU6, pooling, classifier) is not linear
        try (MxSymbolModel m = (MxSymbolModel) Models.load(V2, "l60_conv_2d", null)) {
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray x = sub.create(inputs.get(0), new Shape(1, 3, 224, 224));
                NDArray a = m.features(x);
                int target = 386; // African elephant
                NDArray grad = HeadPass.run(m, a, s -> s.get(":, " + target)).gradient();
                float[] g = grad.toFloatArray();
                float[] base = a.toFloatArray();
                Random r = new Random(3);
                double eps = 1e-2;
                int checked = 0;
                double gmax = 0;
                for (float v : g) {
                    gmax = Math.max(gmax, Math.abs(v));
                }
                for (int t = 0; t < 12; t++) {
                    int idx = r.nextInt(base.length);
                    float[] plus = base.clone();
                    float[] minus = base.clone();
                    plus[idx] += (float) eps;
                    minus[idx] -= (float) eps;
                    double yp = m.scores(sub.create(plus, a.getShape())).getFloat(0, target);
                    double ym = m.scores(sub.create(minus, a.getShape())).getFloat(0, target);
                    double fd = (yp - ym) / (2 * eps);
                    assertEquals(fd, g[idx], 0.02 * gmax + 1e-4, "element " + idx);
                    checked++;
                }
                assertEquals(12, checked);
            }
        }
    }

    @Test
    void aBatchGivesTheMapsOfSingleCalls() {
        TargetRule top = TargetRule.rank(0, model.labels());
        ExplainEngine.LayerMaps batch = maps(new GradCamPlusPlus(), inputs, top);
        for (int i = 0; i < inputs.size(); i++) {
            ExplainEngine.LayerMaps one = maps(new GradCamPlusPlus(), List.of(inputs.get(i)), top);
            assertEquals(one.targets()[0], batch.targets()[i], "each image keeps its own target");
            for (int p = 0; p < one.maps()[0].length; p++) {
                assertEquals(one.maps()[0][p], batch.maps()[i][p], 1e-4 * (1 + Math.abs(one.maps()[0][p])));
            }
        }
        assertTrue(batch.targets()[0] != batch.targets()[1], "different images, different targets");
    }

    @Test
    void twoTargetsOnOneImageGiveDifferentMaps() {
        List<float[]> one = List.of(inputs.get(0));
        ExplainEngine.LayerMaps first = maps(new GradCam(), one, TargetRule.rank(0, model.labels()));
        ExplainEngine.LayerMaps other = maps(new GradCam(), one, (p, n, c) -> new int[] {105}); // wallaby
        assertEquals(105, other.targets()[0]);
        double diff = 0;
        for (int p = 0; p < first.maps()[0].length; p++) {
            diff += Math.abs(first.maps()[0][p] - other.maps()[0][p]);
        }
        assertTrue(diff > 1e-3, "maps differ by " + diff);
    }

    @Test
    void everyGradientMethodGivesAFiniteNormalizedMap() {
        for (String name : List.of("gradcam", "gradcam++", "xgradcam", "layercam", "hirescam", "cam")) {
            List<Explanation> ex = new ExplainEngine(model, Methods.create(name, 8)).explain(inputs.subList(0, 1),
                    TargetRule.rank(0, model.labels()));
            float[] m = ex.get(0).map();
            assertEquals(224 * 224, m.length);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : m) {
                assertTrue(Float.isFinite(v), name);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min, 1e-6, name);
            assertEquals(1f, max, 1e-6, name);
        }
    }
}
