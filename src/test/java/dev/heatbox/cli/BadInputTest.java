package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bad input exits 3 with one line that names the file, and leaves no half-written output. */
class BadInputTest {
    record Run(int code, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    static void assertOneLine(Run r, int code, String mustContain) {
        assertEquals(code, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].contains(mustContain), lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void aJvmErrorInACommandIsOneLineAndExitOne() {
        CommandLine cl = new CommandLine(CommandLine.Model.CommandSpec.wrapWithoutInspection((Runnable) () -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        Run r = new Run(Main.execute(cl, new String[0]), err.toString());
        assertOneLine(r, 1, "Java heap space (OutOfMemoryError; try a smaller --batch");
    }

    @Test
    void trainOnAMissingFolder(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope");
        assertOneLine(run("train", "--data", missing.toString(), "--out", tmp.resolve("m").toString()), 3,
                missing.toString());
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void trainOnACorruptImage(@TempDir Path tmp) throws IOException {
        assertEquals(0, run("synth", "digits", "--out", tmp.resolve("d").toString(), "--count", "20").code());
        Path bad = tmp.resolve("d/train/images/train_000003.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        Run r = run("train", "--data", tmp.resolve("d").toString(), "--out", tmp.resolve("m").toString(), "--epochs", "1");
        assertOneLine(r, 3, "train_000003.png");
        assertTrue(r.err().contains("not a readable image"), r.err());
        assertFalse(Files.exists(tmp.resolve("m")), "no model folder after a failed run");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temp folder left behind");
        }
    }

    @Test
    void demoWithAnUnreadableModelFolder(@TempDir Path tmp) throws IOException {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("heatbox-model.json"), "{\"format\": \"heatbox-cam\", \"input\": ");
        Run r = run("demo", "--out", tmp.resolve("out").toString(), "--count", "20", "--model", model.toString());
        assertOneLine(r, 3, "heatbox-model.json");
        assertTrue(r.err().contains("malformed JSON"), r.err());
    }

    @Test
    void modelFolderWithoutParams(@TempDir Path tmp) throws IOException {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("labels.txt"), "a\nb\n");
        Files.writeString(model.resolve("heatbox-model.json"), "{\"format\": \"heatbox-cam\", \"labels\": \"labels.txt\","
                + " \"files\": {\"params\": \"cam-0000.params\"}, \"architecture\": {\"stages\": [[4]], \"classes\": 2},"
                + " \"input\": {\"width\": 16, \"height\": 16, \"color\": \"GRAY\"}}");
        Run r = run("demo", "--out", tmp.resolve("out").toString(), "--count", "20", "--model", model.toString());
        assertOneLine(r, 3, "cam-0000.params");
    }

    @Test
    void synthWithAMissingMnistFolder(@TempDir Path tmp) {
        Run r = run("synth", "digits", "--out", tmp.resolve("d").toString(), "--mnist", tmp.resolve("x").toString());
        assertOneLine(r, 3, "images-idx3-ubyte.gz");
    }

    @Test
    void auditOnADatasetWithoutBoxes(@TempDir Path tmp) throws IOException {
        Path d = tmp.resolve("d");
        Files.createDirectories(d.resolve("images"));
        Files.copy(Path.of("datasets/coco-sample/images/train2017_000000425988.jpg"), d.resolve("images/a.jpg"));
        Files.writeString(d.resolve("instances.json"), "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 640,"
                + " \"height\": 498}], \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"goose\"}]}");
        Run r = run("audit", "--model", "models/mobilenet_v1_0.25_128", "--data", d.toString(), "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "the audit needs ground-truth boxes");
    }

    @Test
    void faithWithAHeatmapFolderMissingAnImage(@TempDir Path tmp) throws IOException {
        Path imgs = tmp.resolve("imgs");
        Files.createDirectories(imgs);
        Files.copy(Path.of("datasets/coco-sample/images/train2017_000000425988.jpg"), imgs.resolve("a.jpg"));
        Files.copy(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), imgs.resolve("b.jpg"));
        assertEquals(0, run("explain", "--model", "models/mobilenet_v1_0.25_128", "--images", imgs.resolve("a.jpg").toString(),
                "--out", tmp.resolve("ex").toString()).code());
        Run r = run("faith", "--model", "models/mobilenet_v1_0.25_128", "--images", imgs.toString(), "--heatmaps",
                tmp.resolve("ex/heatmaps").toString(), "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "no heatmap for b.jpg");
        // a map of the wrong size
        dev.heatbox.util.Npy.writeFloat32(tmp.resolve("ex/heatmaps/a.npy"), new float[16], 4, 4);
        r = run("faith", "--model", "models/mobilenet_v1_0.25_128", "--images", imgs.resolve("a.jpg").toString(), "--heatmaps",
                tmp.resolve("ex/heatmaps").toString(), "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "a.npy");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("synth", "digits", "--bogus").code());
    }

    @Test
    void aGradientMethodOnAnOnnxModelIsExitThree(@TempDir Path tmp) {
        Run r = run("explain", "--model", "models/mobilenet_v1_0.25_128_onnx", "--images",
                "datasets/coco-sample/images/val2017_000000519208.jpg", "--method", "gradcam", "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "method 'gradcam' needs gradients");
        assertTrue(r.err().contains("occlusion, rise or lime"), r.err());
        assertFalse(Files.exists(tmp.resolve("o/heatmaps")));
    }

    @Test
    void anUnknownTorchScriptLayerIsExitThreeWithTheExportedOnes(@TempDir Path tmp) {
        Run r = run("explain", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--layer", "layer4", "--images",
                "datasets/coco-sample/images/val2017_000000519208.jpg", "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "unknown layer 'layer4'");
        assertTrue(r.err().contains("l61_conv_2d_relu6, l51_depthwise_conv_2d_relu6"), r.err());
    }

    @Test
    void deconvnetOnTorchScriptIsExitThree(@TempDir Path tmp) {
        Run r = run("explain", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--method", "guided", "--images",
                "datasets/coco-sample/images/val2017_000000519208.jpg", "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "need an MXNet symbol export");
    }

    @Test
    void camAtALayerTheClassifierDoesNotPoolIsExitThree(@TempDir Path tmp) {
        Run r = run("explain", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--method", "cam", "--layer",
                "l51_depthwise_conv_2d_relu6", "--images", "datasets/coco-sample/images/val2017_000000519208.jpg", "--out",
                tmp.resolve("o").toString());
        assertOneLine(r, 3, "CAM needs the layer the classifier pools (1280 channels); layer l51_depthwise_conv_2d_relu6 has 960");
    }
}
