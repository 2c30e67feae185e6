package dev.heatbox.model.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped TorchScript MobileNetV2 runs its trunk on ONNX Runtime ({@code trunk_onnx}) whenever the
 * input takes no gradient: its maps must be those of the all-PyTorch route (the same folder without
 * {@code trunk_onnx}) within 1e-4 after normalization, for the CAM family at the last conv and at an
 * inner layer whose cut carries a skip tensor, and for an input-gradient method (saliency), which
 * takes the TorchScript trunk.
 */
class OnnxTrunkTest {
    static final Path SHIPPED = Path.of("models/mobilenet_v2_1.0_224_torchscript");

    /** The shipped folder without its ONNX trunks: every file linked, the model file rewritten. */
    static Path torchOnly(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("torch-only"));
        try (Stream<Path> s = Files.list(SHIPPED)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("heatbox-model.json")) {
                    Files.createSymbolicLink(dir.resolve(p.getFileName()), p.toAbsolutePath());
                }
            }
        }
        JsonNode spec = Json.readTree(SHIPPED.resolve("heatbox-model.json"));
        spec.get("splits").forEach(split -> {
            assertNotNull(split.get("trunk_onnx"), "the shipped folder has ONNX trunks");
            ((ObjectNode) split).remove("trunk_onnx");
        });
        Json.write(dir.resolve("heatbox-model.json"), spec);
        return dir;
    }

    @Test
    void onnxTrunkMapsEqualTheTorchScriptTrunks(@TempDir Path tmp) throws IOException {
        Path torch = torchOnly(tmp);
        List<Path> photos = CrossEngineTest.photos();
        assertEquals(27, photos.size());
        try (SplitModel ort = Models.load(SHIPPED, null, null);
             SplitModel pt = Models.load(torch, null, null)) {
            List<float[]> in = CrossEngineTest.inputs(ort, photos);
            for (String method : List.of("gradcam", "gradcam++", "layercam", "xgradcam")) {
                CrossEngineTest.assertSameExplanations(method, CrossEngineTest.explain(ort, method, in),
                        CrossEngineTest.explain(pt, method, in), 1e-4);
            }
            List<float[]> few = in.subList(0, 4);
            CrossEngineTest.assertSameExplanations("saliency", CrossEngineTest.explain(ort, "saliency", few),
                    CrossEngineTest.explain(pt, "saliency", few), 1e-4);
        }
        String inner = "l51_depthwise_conv_2d_relu6";
        try (SplitModel ort = Models.load(SHIPPED, inner, null);
             SplitModel pt = Models.load(torch, inner, null)) {
            List<float[]> in = CrossEngineTest.inputs(ort, photos.subList(0, 9));
            CrossEngineTest.assertSameExplanations("gradcam@" + inner, CrossEngineTest.explain(ort, "gradcam", in),
                    CrossEngineTest.explain(pt, "gradcam", in), 1e-4);
        }
    }

    /**
     * One forward and one backward from the split at l14 give l51's LayerCAM map through a tap: it must
     * be the map of the split at l51 itself (layer resolution, within 1e-4 of the map's max), and a
     * fused recipe runs on TorchScript as on MXNet.
     */
    @Test
    void aTappedLayersMapEqualsTheMapOfASplitThere() throws IOException {
        List<float[]> in = CrossEngineTest.inputs(Models.load(SHIPPED, null, null), CrossEngineTest.photos().subList(0, 8));
        String early = "l14_depthwise_conv_2d";
        String late = "l51_depthwise_conv_2d_relu6";
        try (SplitModel tapped = Models.load(SHIPPED, early, null);
             SplitModel split = Models.load(SHIPPED, late, null)) {
            dev.heatbox.explain.TargetRule top = dev.heatbox.explain.TargetRule.rank(0, tapped.labels());
            dev.heatbox.explain.ExplainEngine.LayerMaps viaTap = new dev.heatbox.explain.ExplainEngine(tapped,
                    dev.heatbox.explain.Methods.create("layercam", 8), dev.heatbox.explain.Normalization.MIN_MAX,
                    dev.heatbox.explain.Tta.of(false), dev.heatbox.explain.Fusion.parse("max:" + late)).layerMaps(in, top);
            dev.heatbox.explain.ExplainEngine.LayerMaps direct = new dev.heatbox.explain.ExplainEngine(split,
                    dev.heatbox.explain.Methods.create("layercam", 8)).layerMaps(in, top);
            assertEquals(1, viaTap.tapped().size());
            dev.heatbox.explain.ExplainEngine.LayerMaps t = viaTap.tapped().get(0);
            assertEquals(direct.height(), t.height());
            for (int i = 0; i < in.size(); i++) {
                float max = 0;
                for (float v : direct.maps()[i]) {
                    max = Math.max(max, v);
                }
                for (int p = 0; p < direct.maps()[i].length; p++) {
                    assertEquals(direct.maps()[i][p], t.maps()[i][p], 1e-4 * max, "image " + i + " pixel " + p);
                }
            }
        }
    }
}
