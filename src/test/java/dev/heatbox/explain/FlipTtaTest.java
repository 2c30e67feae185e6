package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flip test-time augmentation: a mirror-symmetric image gets a mirror-symmetric map. */
class FlipTtaTest {
    static double asymmetry(Explanation e) {
        float[] back = Heatmaps.mirror(e.map(), 1, e.height(), e.width());
        double worst = 0;
        for (int i = 0; i < back.length; i++) {
            worst = Math.max(worst, Math.abs(back[i] - e.map()[i]));
        }
        return worst;
    }

    @Test
    void aSymmetricImageGetsASymmetricMapWithFlipAndNotWithout() {
        try (SplitModel m = Models.load(Path.of("models/mobilenet_v1_0.25_128"), null, null)) {
            float[] x = m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), false));
            float[] mirrored = Heatmaps.mirror(x, m.input().channels(), m.input().height, m.input().width);
            float[] symmetric = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                symmetric[i] = (x[i] + mirrored[i]) / 2;
            }
            Explanation plain = new ExplainEngine(m, Methods.create("gradcam", 8)).explain(List.of(symmetric), new int[] {-1}).get(0);
            Explanation tta = new ExplainEngine(m, Methods.create("gradcam", 8), Normalization.MIN_MAX, true)
                    .explain(List.of(symmetric), new int[] {-1}).get(0);
            assertTrue(asymmetry(plain) > 0.01, "without TTA the network's padding makes the map lean: " + asymmetry(plain));
            assertTrue(asymmetry(tta) < 1e-5, "with flip TTA the map is symmetric: " + asymmetry(tta));
            assertEquals(plain.target(), tta.target(), "the same class is explained");
        }
    }

    @Test
    void mirrorTwiceIsTheIdentity() {
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertEquals(List.of(3f, 2f, 1f, 6f, 5f, 4f), toList(Heatmaps.mirror(a, 2, 2, 3)).subList(0, 6));
        assertEquals(toList(a), toList(Heatmaps.mirror(Heatmaps.mirror(a, 2, 2, 3), 2, 2, 3)));
    }

    static List<Float> toList(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return List.of(b);
    }
}
