package dev.heatbox.model.mxnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped MobileNetV2 split at a layer gives the unsplit model's output. */
class MxSymbolModelTest {
    static final Path V2 = Path.of("models/mobilenet_v2_1.0_224");
    static final Path CAT = Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"); // elephants

    static float[] input(SplitModel m, Path image) {
        return m.input().toTensor(Cv.read(image, false));
    }

    @Test
    void splitEqualsTheUnsplitModelAndSeesTheElephants() throws Exception {
        try (SplitModel m = Models.load(V2, null, null)) {
            float[] x = input(m, CAT);
            float[] split;
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray a = m.features(sub.create(x, new Shape(1, 3, 224, 224)));
                assertEquals(new Shape(1, 1280, 7, 7), a.getShape());
                split = m.scores(a).softmax(1).toFloatArray();
            }
            float[] full;
            try (Model whole = Model.newInstance("v2")) {
                whole.load(V2, "mobilenet_v2_1.0_224");
                NDArray in = whole.getNDManager().create(x, new Shape(1, 3, 224, 224));
                full = whole.getBlock().forward(new ParameterStore(whole.getNDManager(), false), new NDList(in), false)
                        .singletonOrThrow().toFloatArray();
            }
            assertEquals(1001, split.length);
            double maxDiff = 0;
            int top = 0;
            for (int i = 0; i < split.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(split[i] - full[i]));
                if (split[i] > split[top]) {
                    top = i;
                }
            }
            assertTrue(maxDiff < 1e-5, "max |split − full| = " + maxDiff);
            String label = m.labels().get(top).toLowerCase();
            assertTrue(label.contains("elephant"), "top-1 " + label);
        }
    }

    @Test
    void splitAtAnInnerLayerWithASkipConnectionStillMatches() throws Exception {
        // l07 is inside an inverted-residual block (l09_add adds l05_conv_2d back): the head needs a tensor from before the cut too
        try (MxSymbolModel m = (MxSymbolModel) Models.load(V2, null, null)) {
            String inner = null;
            for (String[] l : m.explainableLayers()) {
                if (l[0].equals("l07_depthwise_conv_2d_relu6")) {
                    inner = l[0];
                }
            }
            float[] x = input(m, CAT);
            float[] atLast;
            try (NDManager sub = m.manager().newSubManager()) {
                atLast = m.scores(m.features(sub.create(x, new Shape(1, 3, 224, 224)))).toFloatArray();
            }
            m.setLayer(inner);
            try (NDManager sub = m.manager().newSubManager()) {
                float[] atInner = m.scores(m.features(sub.create(x, new Shape(1, 3, 224, 224)))).toFloatArray();
                for (int i = 0; i < atLast.length; i++) {
                    assertEquals(atLast[i], atInner[i], 1e-3, "class " + i);
                }
            }
        }
    }

    @Test
    void classifierWeightIsTheDequantizedConv() {
        try (SplitModel m = Models.load(V2, null, null)) {
            NDArray w = m.classifierWeight();
            assertEquals(new Shape(1001, 1280), w.getShape());
        }
    }

    @Test
    void unknownLayerListsCloseNames() {
        BadInputException e = assertThrows(BadInputException.class, () -> Models.load(V2, "l61_conv_2d_relu", null));
        assertTrue(e.getMessage().contains("l61_conv_2d_relu6"), e.getMessage());
    }

    @Test
    void specOfTheShippedModelReads() {
        ModelSpec s = ModelSpec.read(V2);
        assertEquals("mxnet-symbol", s.format);
    }
}
