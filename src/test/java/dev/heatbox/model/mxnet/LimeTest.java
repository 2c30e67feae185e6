package dev.heatbox.model.mxnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Lime;
import dev.heatbox.explain.Ridge;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LIME on a model whose score depends on one known region only; the ridge against a closed form. */
class LimeTest {
    // data [1,3,32,32] → slice to the top-left 16×16 → global average → flatten → fc (2 classes)
    static final String GRAPH = "{\"nodes\": ["
            + "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []},"
            + "{\"op\": \"slice\", \"name\": \"region\", \"attrs\": {\"begin\": \"(None, None, 0, 0)\", \"end\": \"(None, None, 16, 16)\"},"
            + " \"inputs\": [[0,0,0]]},"
            + "{\"op\": \"Pooling\", \"name\": \"pool\", \"attrs\": {\"kernel\": \"(1, 1)\", \"pool_type\": \"avg\", \"global_pool\": \"True\"},"
            + " \"inputs\": [[1,0,0]]},"
            + "{\"op\": \"Flatten\", \"name\": \"flat\", \"inputs\": [[2,0,0]]},"
            + "{\"op\": \"null\", \"name\": \"fc_weight\", \"inputs\": []},"
            + "{\"op\": \"null\", \"name\": \"fc_bias\", \"inputs\": []},"
            + "{\"op\": \"FullyConnected\", \"name\": \"fc\", \"attrs\": {\"num_hidden\": \"2\"}, \"inputs\": [[3,0,0],[4,0,0],[5,0,0]]}],"
            + "\"arg_nodes\": [0,4,5], \"heads\": [[6,0,0]], \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";

    @Test
    void limeFindsTheOnlyRegionTheScoreDependsOn() throws Exception {
        ModelSpec spec = new ModelSpec();
        spec.name = "region";
        spec.format = "mxnet-symbol";
        spec.input = new InputSpec();
        spec.input.width = 32;
        spec.input.height = 32;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new HashMap<>();
            params.put("fc_weight", m.create(new float[] {0.3f, 0.3f, 0.3f, -0.3f, -0.3f, -0.3f}, new Shape(2, 3))); // probabilities not saturated
            params.put("fc_bias", m.create(new float[] {0, 0}));
            MxSymbolModel model = MxSymbolModel.of(spec, m, Json.MAPPER.readTree(GRAPH), params, List.of("in", "out"), "pool");
            Random r = new Random(1);
            float[] x = new float[3 * 32 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = 0.5f + r.nextFloat();
            }
            float[] map = new ExplainEngine(model, new Lime(300, 6, 10f, 7, 64)).layerMaps(List.of(x), (p, n, c) -> new int[] {0}).maps()[0];
            // group pixels by superpixel (one coefficient each): the top three superpixels lie mostly in the
            // region, and superpixels wholly outside it get coefficients far below the top one
            Map<Float, int[]> bySp = new HashMap<>(); // coefficient -> {pixels, inside}
            for (int y = 0; y < 32; y++) {
                for (int xx = 0; xx < 32; xx++) {
                    int[] c = bySp.computeIfAbsent(map[y * 32 + xx], k -> new int[2]);
                    c[0]++;
                    if (y < 16 && xx < 16) {
                        c[1]++;
                    }
                }
            }
            List<Float> coefs = new java.util.ArrayList<>(bySp.keySet());
            coefs.sort(java.util.Comparator.reverseOrder());
            for (int t = 0; t < 3; t++) {
                int[] c = bySp.get(coefs.get(t));
                assertTrue(c[1] * 2 > c[0], "superpixel ranked " + (t + 1) + " has " + c[1] + " of " + c[0] + " pixels in the region");
            }
            float top = coefs.get(0);
            for (Map.Entry<Float, int[]> e : bySp.entrySet()) {
                if (e.getValue()[1] == 0) {
                    assertTrue(Math.abs(e.getKey()) < top / 3, "outside superpixel coefficient " + e.getKey() + " vs top " + top);
                }
            }
        }
    }

    @Test
    void ridgeMatchesTheClosedForm() {
        // one feature, unit weights: β = Σ(x−x̄)(y−ȳ) / (Σ(x−x̄)² + α), b = ȳ − β x̄
        double[][] x = {{0}, {1}, {2}, {3}};
        double[] y = {1, 3, 2, 5};
        double[] w = {1, 1, 1, 1};
        double alpha = 0.5;
        double xm = 1.5;
        double ym = 2.75;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < 4; i++) {
            sxy += (x[i][0] - xm) * (y[i] - ym);
            sxx += (x[i][0] - xm) * (x[i][0] - xm);
        }
        double beta = sxy / (sxx + alpha);
        double[] fit = Ridge.fit(x, y, w, alpha);
        assertEquals(beta, fit[1], 1e-12);
        assertEquals(ym - beta * xm, fit[0], 1e-12);
        // weights: a point with weight 0 does not count
        double[] fit2 = Ridge.fit(new double[][] {{0}, {1}, {2}, {3}, {10}}, new double[] {1, 3, 2, 5, 100},
                new double[] {1, 1, 1, 1, 0}, alpha);
        assertEquals(fit[1], fit2[1], 1e-9);
    }
}
