package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.model.Models;
import dev.heatbox.model.RectifierRule;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The article's claim on a real photo with two classes (a bus and cars; trolleybus vs cab):
 * Grad-CAM for the two classes peaks in different places, guided backprop's maps are nearly the
 * same. Also: guided Grad-CAM is the product of its parts.
 */
class ClassSensitivityTest {
    static final Path IMAGE = Path.of("datasets/coco-sample/images/train2017_000000252639.jpg");
    static final int TROLLEYBUS = 875;
    static final int CAB = 469;

    static double correlation(float[] a, float[] b) {
        return Heatmaps.correlation(a, b);
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    static float[] map(SplitModel m, Method method, List<float[]> in, int cls) {
        return new ExplainEngine(m, method).layerMaps(in, (p, n, c) -> new int[] {cls}).maps()[0];
    }

    @Test
    void gradCamIsClassSensitiveGuidedBackpropIsNot() {
        try (SplitModel m = Models.load(Path.of("models/mobilenet_v2_1.0_224"), null, null)) {
            List<float[]> in = List.of(m.input().toTensor(Cv.read(IMAGE, false)));
            float[] gcA = map(m, new GradCam(), in, TROLLEYBUS);
            float[] gcB = map(m, new GradCam(), in, CAB);
            float[] gbA = map(m, new RectifiedSaliency(RectifierRule.GUIDED), in, TROLLEYBUS);
            float[] gbB = map(m, new RectifiedSaliency(RectifierRule.GUIDED), in, CAB);
            double rGradCam = correlation(gcA, gcB);
            double rGuided = correlation(gbA, gbB);
            System.out.printf("Grad-CAM trolleybus vs cab: r = %.3f, peaks at cells %d and %d; guided backprop: r = %.3f%n",
                    rGradCam, argmax(gcA), argmax(gcB), rGuided);
            assertTrue(argmax(gcA) != argmax(gcB), "Grad-CAM peaks differ");
            assertTrue(rGuided > rGradCam, "guided maps agree more than Grad-CAM maps");
            assertTrue(rGuided > 0.5, "guided maps for the two classes are nearly the same: r = " + rGuided);
        }
    }

    @Test
    void guidedGradCamIsTheProductOfItsParts() {
        try (SplitModel m = Models.load(Path.of("models/mobilenet_v1_0.25_128"), null, null)) {
            List<float[]> in = List.of(m.input().toTensor(Cv.read(IMAGE, false)));
            TargetRule top = TargetRule.rank(0, m.labels());
            ExplainEngine.LayerMaps cam = new ExplainEngine(m, new GradCam()).layerMaps(in, top);
            float[] up = Heatmaps.resize(cam.maps()[0], cam.height(), cam.width(), 128, 128);
            float[] guided = new ExplainEngine(m, new RectifiedSaliency(RectifierRule.GUIDED)).layerMaps(in, top).maps()[0];
            float[] product = new ExplainEngine(m, new GuidedGradCam()).layerMaps(in, top).maps()[0];
            double max = 0;
            for (int i = 0; i < product.length; i++) {
                max = Math.max(max, Math.abs(guided[i] * up[i]));
            }
            for (int i = 0; i < product.length; i++) {
                assertEquals(guided[i] * up[i], product[i], 1e-5 * max + 1e-9, "pixel " + i);
            }
        }
    }
}
