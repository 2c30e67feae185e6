package dev.heatbox.cli;

import static dev.heatbox.cli.BadInputTest.assertOneLine;
import static dev.heatbox.cli.BadInputTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import dev.heatbox.util.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
    static final String V1 = "models/mobilenet_v1_0.25_128";
    static final String BUS = "datasets/coco-sample/images/train2017_000000252639.jpg";

    @Test
    void writesHeatmapsIndexAndOverlays(@TempDir Path tmp) {
        BadInputTest.Run r = run("explain", "--model", V1, "--images", BUS, "--out", tmp.toString(), "--method", "gradcam",
                "--target", "top2");
        assertEquals(0, r.code(), r.err());
        JsonNode index = Json.readTree(tmp.resolve("heatmaps/index.json"));
        assertEquals(2, index.size(), "one map per target with top2");
        for (JsonNode e : index) {
            assertTrue(e.get("file").asText().startsWith("train2017_000000252639__"));
            Npy.Array a = Npy.readFloat32(tmp.resolve("heatmaps").resolve(e.get("file").asText()));
            assertEquals(128, a.shape()[0]);
            assertEquals(128, a.shape()[1]);
            for (float v : a.data()) {
                assertTrue(v >= 0 && v <= 1);
            }
            assertEquals(640, e.get("width").asInt());
            assertTrue(Files.exists(tmp.resolve("overlays").resolve(e.get("file").asText().replace(".npy", ".png"))));
        }
        assertTrue(index.get(0).get("top1").asBoolean());
    }

    @Test
    void methodAllWritesOneFolderPerMethodAndAPanel(@TempDir Path tmp) {
        BadInputTest.Run r = run("explain", "--model", V1, "--images", BUS, "--out", tmp.toString(), "--method", "all");
        assertEquals(0, r.code(), r.err());
        for (String m : ExplainCommand.ALL) {
            assertTrue(Files.exists(tmp.resolve(m).resolve("heatmaps/train2017_000000252639.npy")), m);
        }
        Npy.Array g = Npy.readFloat32(tmp.resolve("guided/gradients/train2017_000000252639.npy"));
        assertEquals(3, g.shape()[0], "signed RGB gradient [3, H, W]");
        assertTrue(Files.exists(tmp.resolve("panels/train2017_000000252639.png")));
    }

    @Test
    void targetByNameAndByIndex(@TempDir Path tmp) {
        assertEquals(0, run("explain", "--model", V1, "--images", BUS, "--out", tmp.resolve("a").toString(),
                "--target", "wallaby").code());
        JsonNode e = Json.readTree(tmp.resolve("a/heatmaps/index.json")).get(0);
        assertEquals(105, e.get("target").asInt());
        assertEquals(0, run("explain", "--model", V1, "--images", BUS, "--out", tmp.resolve("b").toString(),
                "--target", "105", "--method", "cam").code());
        assertEquals(105, Json.readTree(tmp.resolve("b/heatmaps/index.json")).get(0).get("target").asInt());
    }

    @Test
    void unknownClassName(@TempDir Path tmp) {
        assertOneLine(run("explain", "--model", V1, "--images", BUS, "--out", tmp.toString(), "--target", "unicorn"), 3,
                "unicorn");
    }

    @Test
    void unknownLayerListsCloseNames(@TempDir Path tmp) {
        BadInputTest.Run r = run("explain", "--model", V1, "--images", BUS, "--out", tmp.toString(), "--layer", "l26_conv2d");
        assertOneLine(r, 3, "l26_conv_2d");
    }

    @Test
    void nonImageFile(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("notes.jpg");
        Files.writeString(bad, "this is not a picture");
        assertOneLine(run("explain", "--model", V1, "--images", bad.toString(), "--out", tmp.resolve("o").toString()), 3,
                "notes.jpg");
    }

    @Test
    void modelFolderMissingParams(@TempDir Path tmp) throws IOException {
        Path m = tmp.resolve("m");
        Files.createDirectories(m);
        for (String f : new String[] {"heatbox-model.json", "labels.txt", "mobilenet_v1_0.25_128-symbol.json"}) {
            Files.copy(Path.of(V1).resolve(f), m.resolve(f));
        }
        assertOneLine(run("explain", "--model", m.toString(), "--images", BUS, "--out", tmp.resolve("o").toString()), 3,
                "mobilenet_v1_0.25_128-0000.params");
    }
}
