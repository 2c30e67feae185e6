package dev.heatbox.cli;

import static dev.heatbox.cli.BadInputTest.assertOneLine;
import static dev.heatbox.cli.BadInputTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `export --from OUT --to F` writes what `label --format F` would have written, without the model. */
class ExportCommandTest {
    static final String[] LABEL = {"label", "--model", "models/mobilenet_v1_0.25_128", "--images", "datasets/coco-sample/images",
        "--classes", "datasets/coco2imagenet.json"};

    static String[] label(Path out, String formats) {
        String[] a = java.util.Arrays.copyOf(LABEL, LABEL.length + 4);
        a[LABEL.length] = "--out";
        a[LABEL.length + 1] = out.toString();
        a[LABEL.length + 2] = "--format";
        a[LABEL.length + 3] = formats;
        return a;
    }

    @Test
    void exportingAFinishedRunGivesTheSameFilesAsLabellingInThatFormat(@TempDir Path tmp) throws IOException {
        Path once = tmp.resolve("once");
        Path direct = tmp.resolve("direct");
        assertEquals(0, run(label(once, "coco")).code());
        assertEquals(0, run("export", "--from", once.toString(), "--to", "voc,yolo,labelstudio,cvat-yolo,cvat-coco").code());
        assertEquals(0, run(label(direct, "coco,voc,yolo,labelstudio,cvat-yolo,cvat-coco")).code());
        for (String f : List.of("coco/results.json", "coco/annotations.json", "yolo/classes.txt", "labelstudio/tasks.json",
                "cvat-yolo.zip", "cvat-coco.zip")) {
            assertArrayEquals(Files.readAllBytes(direct.resolve(f)), Files.readAllBytes(once.resolve(f)), f);
        }
        try (var s = Files.list(direct.resolve("voc"))) {
            for (Path x : s.toList()) {
                assertArrayEquals(Files.readAllBytes(x), Files.readAllBytes(once.resolve("voc").resolve(x.getFileName())), x.toString());
            }
        }
    }

    @Test
    void aFolderWithoutARunIsExitThree(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("x"));
        assertOneLine(run("export", "--from", tmp.resolve("x").toString(), "--to", "voc"), 3, "not the output of a finished heatbox label run");
    }

    @Test
    void labelStudioTasksCanNameWhatALabelStudioServerServes(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("o");
        assertEquals(0, run(label(out, "coco")).code());
        assertEquals(0, run("export", "--from", out.toString(), "--to", "labelstudio", "--ls-image-root",
                "/data/local-files/?d=photos/").code());
        JsonNode tasks = Json.readTree(out.resolve("labelstudio/tasks.json"));
        assertEquals(27, tasks.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode t : tasks) {
            String image = t.get("data").get("image").asText();
            assertTrue(image.startsWith("/data/local-files/?d=photos/") && image.endsWith(".jpg"), image);
            for (JsonNode r : t.get("predictions").get(0).get("result")) {
                assertTrue(ids.add(r.get("id").asText()), "result ids unique in the file");
                assertTrue(r.has("score"));
            }
        }
    }
}
