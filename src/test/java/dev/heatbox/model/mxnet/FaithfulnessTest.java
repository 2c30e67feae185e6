package dev.heatbox.model.mxnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.score.Faithfulness;
import dev.heatbox.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Average Drop of the ideal map, and deletion on a model whose score depends on one region only. */
class FaithfulnessTest {
    static MxSymbolModel regionModel(NDManager m) throws Exception {
        ModelSpec spec = new ModelSpec();
        spec.name = "region";
        spec.format = "mxnet-symbol";
        spec.input = new InputSpec();
        spec.input.width = 32;
        spec.input.height = 32;
        Map<String, NDArray> params = new HashMap<>();
        params.put("fc_weight", m.create(new float[] {0.3f, 0.3f, 0.3f, -0.3f, -0.3f, -0.3f}, new Shape(2, 3)));
        params.put("fc_bias", m.create(new float[] {0, 0}));
        return MxSymbolModel.of(spec, m, Json.MAPPER.readTree(LimeTest.GRAPH), params, List.of("in", "out"), "pool");
    }

    static float[] input() {
        Random r = new Random(1);
        float[] x = new float[3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5f + r.nextFloat();
        }
        return x;
    }

    @Test
    void roadImputationReproducesALinearRampAndRanksTheRegion() throws Exception {
        // a ramp in x: every interior pixel is the weighted mean of its 8 neighbours
        int h = 12;
        int w = 12;
        float[] ramp = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp[y * w + x] = 0.1f * x;
            }
        }
        boolean[] removed = new boolean[h * w];
        for (int y = 4; y < 8; y++) {
            for (int x = 4; x < 8; x++) {
                removed[y * w + x] = true;
            }
        }
        float[] imp = dev.heatbox.score.Road.impute(ramp, 1, h, w, removed, 500, 0.0, 1);
        for (int p = 0; p < h * w; p++) {
            assertEquals(ramp[p], imp[p], 1e-4, "pixel " + p);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] onRegion = new float[32 * 32];
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    onRegion[y * 32 + x] = 1f;
                }
            }
            Faithfulness f = new Faithfulness(regionModel(m), 4, 32, true);
            // an image that is bright only in the region the model reads: removing it most-relevant-first hurts
            float[] x = new float[3 * 32 * 32];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int xx = 0; xx < 32; xx++) {
                        x[c * 1024 + y * 32 + xx] = y < 16 && xx < 16 ? 2f : 0f;
                    }
                }
            }
            f.accumulate(x, onRegion, 0);
            Faithfulness.Result r = f.compute();
            double morf = java.util.Arrays.stream(r.roadMorf()).average().orElseThrow();
            double lerf = java.util.Arrays.stream(r.roadLerf()).average().orElseThrow();
            assertTrue(morf < lerf, "MoRF " + morf + " should be below LeRF " + lerf);
        }
    }

    @Test
    void averageDropOfTheIdealMapIsZero() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Faithfulness f = new Faithfulness(regionModel(m), 8, 16);
            float[] keepAll = new float[32 * 32];
            java.util.Arrays.fill(keepAll, 1f);
            f.accumulate(input(), keepAll, 0);
            assertEquals(0.0, f.compute().averageDrop(), 0.0);
            assertEquals(0.0, f.compute().increaseInConfidence(), 0.0);
        }
    }

    @Test
    void deletingTheRegionTheScoreDependsOnDropsTheScoreFirst() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] onRegion = new float[32 * 32];
            float[] offRegion = new float[32 * 32];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean in = y < 16 && x < 16;
                    onRegion[y * 32 + x] = in ? 1f : 0.1f;
                    offRegion[y * 32 + x] = in ? 0.1f : 1f;
                }
            }
            Faithfulness good = new Faithfulness(regionModel(m), 8, 16);
            good.accumulate(input(), onRegion, 0);
            Faithfulness bad = new Faithfulness(regionModel(m), 8, 16);
            bad.accumulate(input(), offRegion, 0);
            Faithfulness.Result g = good.compute();
            Faithfulness.Result b = bad.compute();
            assertTrue(g.deletionCurve()[2] < g.deletionCurve()[0], "the score falls as soon as the region goes");
            assertEquals(g.deletionCurve()[0], b.deletionCurve()[2], 1e-6, "deleting outside the region changes nothing");
            assertTrue(g.deletionAuc() < b.deletionAuc());
            assertTrue(g.insertionAuc() > b.insertionAuc());
        }
    }
}
