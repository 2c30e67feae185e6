package dev.heatbox.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layer fusion: the combination itself, and tapped layers' maps equal to a split at each layer. */
class FusionTest {
    static final Path V2 = Path.of("models/mobilenet_v2_1.0_224");
    static final String EARLY = "l14_depthwise_conv_2d_relu6";
    static final List<String> LATER = List.of("l47_conv_2d_relu6", "l61_conv_2d_relu6");

    @Test
    void maxAndMeanOfTwoKnownMaps() {
        float[] a = {0f, 0.5f, 1f, 0.2f};
        float[] b = {1f, 0.1f, 0.6f, 0.2f};
        assertArrayEquals(new float[] {1f, 0.5f, 1f, 0.2f}, Fusion.parse("max:x").combine(List.of(a, b)));
        assertArrayEquals(new float[] {0.5f, 0.3f, 0.8f, 0.2f}, Fusion.parse("mean:x").combine(List.of(a, b)), 1e-6f);
        assertEquals(0f, a[0]); // inputs untouched
        assertEquals(List.of("l1", "l2"), Fusion.parse("MEAN: l1, l2").layers());
        assertThrows(IllegalArgumentException.class, () -> Fusion.parse("sum:l1"));
        assertThrows(IllegalArgumentException.class, () -> Fusion.parse("max:"));
    }

    @Test
    void tappedLayersGiveTheSameMapsAsASplitThereAndFuse() {
        List<float[]> in;
        Fusion fusion = new Fusion(Fusion.Mode.MEAN, LATER);
        ExplainEngine.LayerMaps tapped;
        List<Explanation> fused;
        TargetRule rule;
        try (SplitModel m = Models.load(V2, EARLY, null)) {
            in = List.of(m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), false)),
                    m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000377575.jpg"), false)));
            rule = TargetRule.rank(0, m.labels());
            ExplainEngine e = new ExplainEngine(m, new LayerCam(), Normalization.MIN_MAX, Tta.NONE, fusion);
            tapped = e.layerMaps(in, rule);
            fused = e.explain(in, rule);
        }
        assertEquals(2, tapped.tapped().size());
        List<ExplainEngine.LayerMaps> alone = new ArrayList<>();
        alone.add(single(EARLY, in, rule));
        for (String layer : LATER) {
            alone.add(single(layer, in, rule));
        }
        for (int k = 0; k < LATER.size(); k++) {
            ExplainEngine.LayerMaps t = tapped.tapped().get(k);
            ExplainEngine.LayerMaps s = alone.get(k + 1);
            assertEquals(s.height(), t.height());
            for (int i = 0; i < in.size(); i++) {
                assertClose(s.maps()[i], t.maps()[i], LATER.get(k));
            }
        }
        for (int i = 0; i < in.size(); i++) {
            assertClose(alone.get(0).maps()[i], tapped.maps()[i], EARLY);
            List<float[]> up = new ArrayList<>();
            for (ExplainEngine.LayerMaps s : alone) {
                up.add(Heatmaps.minMaxNormalize(Heatmaps.resize(s.maps()[i], s.height(), s.width(), 224, 224)));
            }
            float[] expected = Heatmaps.minMaxNormalize(fusion.combine(up));
            assertClose(expected, fused.get(i).map(), "fused");
        }
    }

    @Test
    void anEnlargedViewTapsTheSameMapsAsASplitAndAveragesIntoTheExplanation() {
        List<float[]> in;
        ExplainEngine.LayerMaps small;
        ExplainEngine.LayerMaps big;
        List<Explanation> plain;
        List<Explanation> withScale;
        int[] targets;
        Fusion fusion = new Fusion(Fusion.Mode.MAX, LATER);
        try (SplitModel m = Models.load(V2, EARLY, null)) {
            in = List.of(m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), false)));
            TargetRule rule = TargetRule.rank(0, m.labels());
            ExplainEngine e = new ExplainEngine(m, new LayerCam(), Normalization.MIN_MAX, Tta.NONE, fusion);
            small = e.layerMaps(in, rule);
            targets = small.targets();
            big = e.layerMaps(Heatmaps.resizeInputs(in, 3, 224, 224, 336, 336), 336, 336, TargetRule.fixed(targets, m.labels()));
            plain = e.explain(in, rule);
            withScale = new ExplainEngine(m, new LayerCam(), Normalization.MIN_MAX, Tta.parse("x1.5"), fusion).explain(in, rule);
        }
        assertEquals(21, big.tapped().get(0).height(), "14×14 at 224 is 21×21 at 336");
        try (SplitModel m = Models.load(V2, LATER.get(0), null)) {
            ExplainEngine.LayerMaps alone = new ExplainEngine(m, new LayerCam()).layerMaps(
                    Heatmaps.resizeInputs(in, 3, 224, 224, 336, 336), 336, 336, TargetRule.fixed(targets, m.labels()));
            assertClose(alone.maps()[0], big.tapped().get(0).maps()[0], "tapped at 336");
        }
        // x1.5: the plain view's fused map and the enlarged view's (resized onto the image), averaged, then normalized
        float[] a = fused(small, fusion);
        float[] b = fused(big, fusion);
        float[] expected = new float[a.length];
        for (int p = 0; p < a.length; p++) {
            expected[p] = (a[p] + b[p]) / 2;
        }
        assertClose(Heatmaps.minMaxNormalize(expected), withScale.get(0).map(), "x1.5");
        assertClose(Heatmaps.minMaxNormalize(a), plain.get(0).map(), "plain");
        float diff = 0;
        for (int p = 0; p < a.length; p++) {
            diff = Math.max(diff, Math.abs(plain.get(0).map()[p] - withScale.get(0).map()[p]));
        }
        assertTrue(diff > 0.05, "the enlarged view changed the map: " + diff);
    }

    private static float[] fused(ExplainEngine.LayerMaps lm, Fusion fusion) {
        List<float[]> up = new ArrayList<>(List.of(Heatmaps.minMaxNormalize(Heatmaps.resize(lm.maps()[0], lm.height(), lm.width(), 224, 224))));
        for (ExplainEngine.LayerMaps t : lm.tapped()) {
            up.add(Heatmaps.minMaxNormalize(Heatmaps.resize(t.maps()[0], t.height(), t.width(), 224, 224)));
        }
        return fusion.combine(up);
    }

    @Test
    void ttaParsesFlipAndScales() {
        assertEquals(4, Tta.parse("flip+x1.5").views().size());
        assertEquals("flip+x1.5", Tta.parse("flip+x1.5").toString());
        assertEquals("x2", Tta.parse("x2").toString());
        assertEquals(Tta.NONE, Tta.parse("none"));
        assertThrows(IllegalArgumentException.class, () -> Tta.parse("x1"));
        assertThrows(IllegalArgumentException.class, () -> Tta.parse("rotate"));
    }

    @Test
    void enlargedViewsAreRefusedForMethodsThatReadTheInput() {
        try (SplitModel m = Models.load(V2, null, null)) {
            assertThrows(BadInputException.class, () -> new ExplainEngine(m, Methods.create("saliency", 8), Normalization.MIN_MAX,
                    Tta.parse("x1.5"), null));
            new ExplainEngine(m, Methods.create("eigencam", 8), Normalization.MIN_MAX, Tta.parse("x1.5"), null); // the CAM family may
        }
    }

    @Test
    void aLayerBeforeTheSplitIsRefused() {
        try (SplitModel m = Models.load(V2, "l47_conv_2d_relu6", null)) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> new ExplainEngine(m, new LayerCam(), Normalization.MIN_MAX, Tta.NONE, Fusion.parse("max:" + EARLY)));
            assertTrue(e.getMessage().contains("after l47_conv_2d_relu6"), e.getMessage());
        }
    }

    private static ExplainEngine.LayerMaps single(String layer, List<float[]> in, TargetRule rule) {
        try (SplitModel m = Models.load(V2, layer, null)) {
            return new ExplainEngine(m, new LayerCam()).layerMaps(in, rule);
        }
    }

    /** Same up to float noise, relative to the map's max (the graphs differ, so the sums' order may too). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        float max = 0;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, what + ": an all-zero map proves nothing");
        for (int p = 0; p < expected.length; p++) {
            assertEquals(expected[p], actual[p], 1e-4f * max, what + " at " + p);
        }
    }
}
