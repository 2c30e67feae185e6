package dev.heatbox.model.mxnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.model.Models;
import dev.heatbox.model.RectifierRule;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The three rectifier rules against a hand-written backward, and the plain rule against autograd. */
class RectifiedBackwardTest {
    // data (4) → fc1 (3) → relu → fc2 (3) → relu → fc3 (2) → softmax
    static final String GRAPH = "{\"nodes\": ["
            + "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []},"
            + "{\"op\": \"null\", \"name\": \"fc1_weight\", \"inputs\": []},"
            + "{\"op\": \"null\", \"name\": \"fc1_bias\", \"inputs\": []},"
            + "{\"op\": \"FullyConnected\", \"name\": \"fc1\", \"attrs\": {\"num_hidden\": \"3\"}, \"inputs\": [[0,0,0],[1,0,0],[2,0,0]]},"
            + "{\"op\": \"relu\", \"name\": \"relu1\", \"inputs\": [[3,0,0]]},"
            + "{\"op\": \"null\", \"name\": \"fc2_weight\", \"inputs\": []},"
            + "{\"op\": \"null\", \"name\": \"fc2_bias\", \"inputs\": []},"
            + "{\"op\": \"FullyConnected\", \"name\": \"fc2\", \"attrs\": {\"num_hidden\": \"3\"}, \"inputs\": [[4,0,0],[5,0,0],[6,0,0]]},"
            + "{\"op\": \"relu\", \"name\": \"relu2\", \"inputs\": [[7,0,0]]},"
            + "{\"op\": \"null\", \"name\": \"fc3_weight\", \"inputs\": []},"
            + "{\"op\": \"null\", \"name\": \"fc3_bias\", \"inputs\": []},"
            + "{\"op\": \"FullyConnected\", \"name\": \"fc3\", \"attrs\": {\"num_hidden\": \"2\"}, \"inputs\": [[8,0,0],[9,0,0],[10,0,0]]},"
            + "{\"op\": \"softmax\", \"name\": \"prob\", \"inputs\": [[11,0,0]]}],"
            + "\"arg_nodes\": [0,1,2,5,6,9,10], \"heads\": [[12,0,0]], \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";

    static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** g_out at a rectifier → g_in, by hand. */
    static double rule(RectifierRule rule, double g, double a) {
        switch (rule) {
            case GRADIENT: return a > 0 ? g : 0;
            case DECONVNET: return Math.max(g, 0);
            default: return a > 0 && g > 0 ? g : 0;
        }
    }

    @Test
    void eachRuleMatchesAHandWrittenBackward() throws Exception {
        Random r = new Random(2);
        float[] w1 = rand(r, 12);
        float[] b1 = rand(r, 3);
        float[] w2 = rand(r, 9);
        float[] b2 = rand(r, 3);
        float[] w3 = rand(r, 6);
        float[] b3 = rand(r, 2);
        JsonNode json = Json.MAPPER.readTree(GRAPH);
        ModelSpec spec = new ModelSpec();
        spec.name = "tiny";
        spec.format = "mxnet-symbol";
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new HashMap<>();
            params.put("fc1_weight", m.create(w1, new Shape(3, 4)));
            params.put("fc1_bias", m.create(b1));
            params.put("fc2_weight", m.create(w2, new Shape(3, 3)));
            params.put("fc2_bias", m.create(b2));
            params.put("fc3_weight", m.create(w3, new Shape(2, 3)));
            params.put("fc3_bias", m.create(b3));
            MxSymbolModel model = MxSymbolModel.of(spec, m, json, params, List.of("a", "b"), "relu2");
            for (int trial = 0; trial < 5; trial++) {
                float[] x = rand(r, 4);
                int c = trial % 2;
                // forward by hand
                double[] a1 = new double[3];
                double[] h1 = new double[3];
                for (int j = 0; j < 3; j++) {
                    a1[j] = b1[j];
                    for (int k = 0; k < 4; k++) {
                        a1[j] += w1[j * 4 + k] * x[k];
                    }
                    h1[j] = Math.max(0, a1[j]);
                }
                double[] a2 = new double[3];
                for (int j = 0; j < 3; j++) {
                    a2[j] = b2[j];
                    for (int k = 0; k < 3; k++) {
                        a2[j] += w2[j * 3 + k] * h1[k];
                    }
                }
                for (RectifierRule rl : RectifierRule.values()) {
                    double[] gA2 = new double[3];
                    for (int j = 0; j < 3; j++) {
                        gA2[j] = rule(rl, w3[c * 3 + j], a2[j]);
                    }
                    double[] gA1 = new double[3];
                    for (int k = 0; k < 3; k++) {
                        double gh1 = 0;
                        for (int j = 0; j < 3; j++) {
                            gh1 += w2[j * 3 + k] * gA2[j];
                        }
                        gA1[k] = rule(rl, gh1, a1[k]);
                    }
                    float[] got = model.rectifiedGradient(m.create(x, new Shape(1, 4)), new int[] {c}, rl).toFloatArray();
                    for (int k = 0; k < 4; k++) {
                        double gx = 0;
                        for (int j = 0; j < 3; j++) {
                            gx += w1[j * 4 + k] * gA1[j];
                        }
                        assertEquals(gx, got[k], 1e-6, rl + " trial " + trial + " input " + k);
                    }
                }
            }
        }
    }

    @Test
    void thePlainRuleEqualsAutogradOnMobileNet() {
        try (SplitModel m = Models.load(Path.of("models/mobilenet_v1_0.25_128"), null, null);
             NDManager sub = m.manager().newSubManager()) {
            float[] x = m.input().toTensor(Cv.read(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), false));
            NDArray in = sub.create(x, new Shape(1, 3, 128, 128));
            float[] seg = m.rectifiedGradient(in, new int[] {386}, RectifierRule.GRADIENT).toFloatArray();
            float[] auto = dev.heatbox.explain.SaliencyAccess.inputGradient(m, in.duplicate(), new int[] {386}).toFloatArray();
            double max = 0;
            for (float v : auto) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < seg.length; i++) {
                assertEquals(auto[i], seg[i], 1e-4 * max, "element " + i);
            }
        }
    }
}
