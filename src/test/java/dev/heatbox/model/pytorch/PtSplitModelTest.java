package dev.heatbox.model.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.model.HeadPass;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import org.junit.jupiter.api.Test;
import java.nio.file.Path;

/**
 * A TorchScript model with batch norm, dropout and a skip connection across the cut, exported by
 * tools/make_test_models.py: DJL's PyTorch engine must give PyTorch's own eval-mode scores and
 * ∂score/∂A, and a recorded pass must leave the model as it was.
 */
class PtSplitModelTest {
    static final Path TINY = Path.of("src/test/resources/models/tiny_bn_torchscript");

    static float[] expectedInput() {
        int n = 2 * 3 * 32 * 32;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // torch.linspace(-2, 2, n).sin(), as the script made it
            x[i] = (float) Math.sin(-2.0 + 4.0 * i / (n - 1));
        }
        return x;
    }

    static float[] floats(JsonNode node) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        collect(node, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void collect(JsonNode n, java.util.List<Float> out) {
        if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        } else {
            out.add((float) n.asDouble());
        }
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void scoresAndGradientEqualPyTorchsAndARecordedPassChangesNothing() {
        JsonNode expected = Json.readTree(TINY.resolve("expected.json"));
        float[] want = floats(expected.get("scores"));
        float[] wantGrad = floats(expected.get("grad_last_class3"));
        try (SplitModel m = Models.load(TINY, null, null)) {
            assertEquals("last", m.layer());
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray x = sub.create(expectedInput(), new Shape(2, 3, 32, 32));
                float[] before = m.scores(m.features(x)).toFloatArray();
                assertTrue(maxDiff(before, want) < 1e-5, "scores vs PyTorch eval: " + maxDiff(before, want));
                NDArray a = m.features(x);
                HeadPass pass = HeadPass.run(m, a, s -> s.get(":, 3"));
                float[] grad = pass.gradient().toFloatArray();
                assertTrue(maxDiff(grad, wantGrad) < 1e-6, "dS/dA vs PyTorch autograd: " + maxDiff(grad, wantGrad));
                // batch norm statistics untouched, dropout off: the same scores after recording
                float[] after = m.scores(m.features(x)).toFloatArray();
                assertEquals(0, maxDiff(before, after), 1e-7);
            }
        }
    }

    @Test
    void aSplitInsideTheResidualBlockCarriesTheSkipToTheHead() {
        float[] want = floats(Json.readTree(TINY.resolve("expected.json")).get("scores"));
        try (SplitModel m = Models.load(TINY, "block.conv1", null)) {
            assertEquals(2, m.layers().size());
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray a = m.features(sub.create(expectedInput(), new Shape(2, 3, 32, 32)));
                assertEquals(new Shape(2, 8, 16, 16), a.getShape());
                float[] s = m.scores(a).toFloatArray();
                assertTrue(maxDiff(s, want) < 1e-5, "scores at the inner split: " + maxDiff(s, want));
            }
        }
    }

    @Test
    void anUnknownLayerNamesTheExportedOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> Models.load(TINY, "layer4", null));
        assertTrue(e.getMessage().contains("unknown layer 'layer4'"), e.getMessage());
        assertTrue(e.getMessage().contains("last, block.conv1"), e.getMessage());
    }

    @Test
    void theClassifierWeightIsTheExportedLinearLayer() {
        try (SplitModel m = Models.load(TINY, null, null)) {
            assertEquals(new Shape(5, 16), m.classifierWeight().getShape());
        }
    }
}
