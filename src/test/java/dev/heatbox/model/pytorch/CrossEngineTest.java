package dev.heatbox.model.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import org.junit.jupiter.api.Test;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped MobileNetV2 on two engines (MXNet symbol export vs its TorchScript conversion by
 * tools/convert_mxnet.py), and MobileNetV1 on MXNet vs ONNX Runtime, over the 27 photos of
 * datasets/coco-sample: the same top-1, softmax within 1e-4, and the same normalized heatmap
 * (max |Δ| ≤ 1e-3) for every CAM-family method.
 */
class CrossEngineTest {
    static final Path IMAGES = Path.of("datasets/coco-sample/images");
    static final List<String> CAM_FAMILY = List.of("cam", "gradcam", "gradcam++", "xgradcam", "layercam", "hirescam");

    static List<Path> photos() throws IOException {
        try (Stream<Path> s = Files.list(IMAGES)) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
    }

    static List<float[]> inputs(SplitModel m, List<Path> photos) {
        List<float[]> out = new ArrayList<>();
        for (Path p : photos) {
            out.add(m.input().toTensor(Cv.read(p, false)));
        }
        return out;
    }

    /** Explains in batches of 9 (the engine's own batching is the caller's job). */
    static List<Explanation> explain(SplitModel m, String method, List<float[]> in) {
        ExplainEngine e = new ExplainEngine(m, Methods.create(method, 16));
        List<Explanation> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i += 9) {
            List<float[]> batch = in.subList(i, Math.min(in.size(), i + 9));
            out.addAll(e.explain(batch, TargetRule.rank(0, m.labels())));
        }
        return out;
    }

    static void assertSameExplanations(String what, List<Explanation> a, List<Explanation> b, double mapTolerance) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Explanation x = a.get(i);
            Explanation y = b.get(i);
            assertEquals(x.top1(), y.top1(), what + " photo " + i + ": top-1");
            assertEquals(x.top1Probability(), y.top1Probability(), 1e-4, what + " photo " + i + ": softmax");
            double d = 0;
            for (int p = 0; p < x.map().length; p++) {
                d = Math.max(d, Math.abs(x.map()[p] - y.map()[p]));
            }
            assertTrue(d <= mapTolerance, what + " photo " + i + ": max |Δmap| = " + d);
        }
    }

    @Test
    void mobileNetV2OnPyTorchEqualsMxnetForEveryCamMethod() throws IOException {
        List<Path> photos = photos();
        assertEquals(27, photos.size());
        try (SplitModel mx = Models.load(Path.of("models/mobilenet_v2_1.0_224"), null, null);
             SplitModel pt = Models.load(Path.of("models/mobilenet_v2_1.0_224_torchscript"), null, null)) {
            assertEquals(mx.layer(), pt.layer());
            List<float[]> in = inputs(mx, photos);
            for (String method : CAM_FAMILY) {
                assertSameExplanations(method, explain(mx, method, in), explain(pt, method, in), 1e-3);
            }
        }
    }

    @Test
    void anInnerLayerWithASkipAcrossTheCutAgreesToo() throws IOException {
        List<Path> photos = photos().subList(0, 6);
        String inner = "l51_depthwise_conv_2d_relu6";
        try (SplitModel mx = Models.load(Path.of("models/mobilenet_v2_1.0_224"), inner, null);
             SplitModel pt = Models.load(Path.of("models/mobilenet_v2_1.0_224_torchscript"), inner, null)) {
            List<float[]> in = inputs(mx, photos);
            assertSameExplanations("gradcam@" + inner, explain(mx, "gradcam", in), explain(pt, "gradcam", in), 1e-3);
        }
    }

    @Test
    void mobileNetV1OnOnnxRuntimeScoresAndOccludesLikeMxnet() throws IOException {
        List<Path> photos = photos();
        try (SplitModel mx = Models.load(Path.of("models/mobilenet_v1_0.25_128"), "l26_conv_2d_relu6", null);
             SplitModel ort = Models.load(Path.of("models/mobilenet_v1_0.25_128_onnx"), null, null)) {
            List<float[]> in = inputs(mx, photos);
            // scores on all 27 through a black-box method's own forward passes (occlusion) on two of them
            List<Explanation> a = explain(mx, "occlusion", in.subList(0, 2));
            List<Explanation> b = explain(ort, "occlusion", in.subList(0, 2));
            assertSameExplanations("occlusion", a, b, 1e-3);
            float[][] pm = probabilities(mx, in);
            float[][] po = probabilities(ort, in);
            for (int i = 0; i < in.size(); i++) {
                int top = 0;
                for (int c = 0; c < pm[i].length; c++) {
                    assertEquals(pm[i][c], po[i][c], 1e-4, "photo " + i + " class " + c);
                    top = pm[i][c] > pm[i][top] ? c : top;
                }
                int topOrt = 0;
                for (int c = 0; c < po[i].length; c++) {
                    topOrt = po[i][c] > po[i][topOrt] ? c : topOrt;
                }
                assertEquals(top, topOrt, "photo " + i + ": top-1");
            }
        }
    }

    static float[][] probabilities(SplitModel m, List<float[]> in) {
        float[][] out = new float[in.size()][];
        int c = m.input().channels();
        try (ai.djl.ndarray.NDManager sub = m.manager().newSubManager()) {
            for (int i = 0; i < in.size(); i++) {
                ai.djl.ndarray.NDArray x = sub.create(in.get(i), new ai.djl.ndarray.types.Shape(1, c, m.input().height,
                        m.input().width));
                out[i] = m.scores(m.features(x)).softmax(1).toFloatArray();
            }
        }
        return out;
    }
}
