package dev.heatbox.cli;

import static dev.heatbox.cli.BadInputTest.assertOneLine;
import static dev.heatbox.cli.BadInputTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelCommandTest {
    static final String V1 = "models/mobilenet_v1_0.25_128";

    static Path images(Path tmp, String... names) throws IOException {
        Path dir = tmp.resolve("imgs");
        Files.createDirectories(dir);
        for (String n : names) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), dir.resolve(n));
        }
        return dir;
    }

    @Test
    void unreadableImageInTheMiddleIsSkippedAndTheRunGoesOn(@TempDir Path tmp) throws IOException {
        Path dir = images(tmp, "train2017_000000252639.jpg", "val2017_000000519208.jpg");
        Files.writeString(dir.resolve("train2017_5_broken.jpg"), "not a jpeg");
        BadInputTest.Run r = run("label", "--model", V1, "--images", dir.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(4, r.code(), r.err());
        List<String> skipped = Files.readAllLines(tmp.resolve("o/skipped.txt"));
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).contains("train2017_5_broken.jpg"));
        JsonNode ann = Json.readTree(tmp.resolve("o/coco/annotations.json"));
        assertEquals(2, ann.get("images").size());
        // ids 1, 2, … in byte order of the paths
        assertEquals("train2017_000000252639.jpg", ann.get("images").get(0).get("file_name").asText());
        assertEquals(1, ann.get("images").get(0).get("id").asInt());
        assertTrue(Files.exists(tmp.resolve("o/yolo/classes.txt")));
        assertTrue(Files.exists(tmp.resolve("o/labelstudio/tasks.json")));
        assertTrue(Files.exists(tmp.resolve("o/report.html")));
    }

    @Test
    void gtIdsAreReusedAndClassesMapped(@TempDir Path tmp) throws IOException {
        Path dir = images(tmp, "val2017_000000519208.jpg", "train2017_000000252639.jpg");
        BadInputTest.Run r = run("label", "--model", V1, "--images", dir.toString(), "--out", tmp.resolve("o").toString(),
                "--classes", "datasets/coco2imagenet.json", "--gt", "datasets/coco-sample/instances.json", "--target", "top3");
        assertEquals(0, r.code(), r.err());
        JsonNode gt = Json.readTree(Path.of("datasets/coco-sample/instances.json"));
        JsonNode ann = Json.readTree(tmp.resolve("o/coco/annotations.json"));
        for (JsonNode im : ann.get("images")) {
            boolean found = false;
            for (JsonNode g : gt.get("images")) {
                if (g.get("file_name").asText().equals(im.get("file_name").asText())) {
                    assertEquals(g.get("id").asLong(), im.get("id").asLong());
                    found = true;
                }
            }
            assertTrue(found);
        }
        JsonNode map = Json.readTree(Path.of("datasets/coco2imagenet.json"));
        assertEquals(map.size(), ann.get("categories").size(), "the categories are the --classes map's");
        for (JsonNode c : ann.get("categories")) {
            assertTrue(map.has(c.get("name").asText()));
            for (JsonNode g : gt.get("categories")) {
                if (g.get("name").asText().equals(c.get("name").asText())) {
                    assertEquals(g.get("id").asLong(), c.get("id").asLong(), "category ids reused from --gt");
                }
            }
        }
        // the results list scores against the ground truth without errors
        assertEquals(0, run("eval", "--gt", "datasets/coco-sample/instances.json", "--pred",
                tmp.resolve("o/coco/results.json").toString(), "--out", tmp.resolve("e").toString()).code());
    }

    @Test
    void outputFolderNotWritableIsBadInputBeforeAnyWork(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertOneLine(run("label", "--model", V1, "--images", "datasets/coco-sample/images", "--out",
                file.resolve("out").toString()), 3, "not writable");
    }

    @Test
    void withNoBoxesThereIsNoResultsFileForPycocotoolsToCrashOn(@TempDir Path tmp) throws IOException {
        Path dir = images(tmp, "val2017_000000519208.jpg", "train2017_000000252639.jpg");
        Path out = tmp.resolve("o");
        assertEquals(0, run("label", "--model", V1, "--images", dir.toString(), "--out", out.toString(), "--min-score",
                "0.9999", "--format", "coco").code());
        assertFalse(Files.exists(out.resolve("coco/results.json")));
        assertEquals(2, Json.readTree(out.resolve("coco/annotations.json")).get("images").size());
    }
}
