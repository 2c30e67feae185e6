package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `explain --gt`: each image explained for its own labelled categories, by the best-scoring mapped class. */
class ExplainGroundTruthTest {
    static final String MODEL = "models/mobilenet_v1_0.25_128";

    @Test
    void eachImageIsExplainedForItsLabelledCategories(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        for (String n : new String[] {"train2017_000000107438.jpg", "val2017_000000519208.jpg", "train2017_000000252639.jpg"}) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), images.resolve(n));
        }
        Files.copy(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), images.resolve("not-in-gt.jpg"));
        Path out = tmp.resolve("out");
        BadInputTest.Run r = BadInputTest.run("explain", "--model", MODEL, "--images", images.toString(), "--out", out.toString(),
                "--gt", "datasets/coco-sample/instances.json", "--classes", "datasets/coco2imagenet.json", "--overlays", "0");
        assertEquals(4, r.code(), r.err()); // the image the ground truth lacks is skipped and listed
        assertTrue(Files.readString(out.resolve("skipped.txt")).contains("not-in-gt.jpg: not in the ground truth"));

        JsonNode map = Json.readTree(Path.of("datasets/coco2imagenet.json"));
        JsonNode gt = Json.readTree(Path.of("datasets/coco-sample/instances.json"));
        Map<Long, String> catName = new HashMap<>();
        gt.get("categories").forEach(c -> catName.put(c.get("id").asLong(), c.get("name").asText()));
        Map<String, Long> imageId = new HashMap<>();
        gt.get("images").forEach(i -> imageId.put(i.get("file_name").asText(), i.get("id").asLong()));
        JsonNode index = Json.readTree(out.resolve("heatmaps/index.json"));
        Set<String> explainedImages = new HashSet<>();
        for (JsonNode e : index) {
            String file = Path.of(e.get("image").asText()).getFileName().toString();
            explainedImages.add(file);
            String category = e.get("category").asText();
            assertEquals(catName.get(e.get("category_id").asLong()), category);
            // the explained class stands for that category
            boolean member = false;
            for (JsonNode k : map.get(category)) {
                member |= k.asInt() == e.get("target").asInt();
            }
            assertTrue(member, file + ": class " + e.get("target") + " does not stand for " + category);
            // and the image is labelled with it
            boolean labelled = false;
            for (JsonNode a : gt.get("annotations")) {
                labelled |= a.get("image_id").asLong() == imageId.get(file) && a.get("category_id").asLong() == e.get("category_id").asLong();
            }
            assertTrue(labelled, file + " is not labelled " + category);
            assertTrue(Files.isRegularFile(out.resolve("heatmaps").resolve(e.get("file").asText())));
        }
        assertEquals(3, explainedImages.size());
    }

    @Test
    void groundTruthAndTargetDoNotGoTogether(@TempDir Path tmp) {
        BadInputTest.Run r = BadInputTest.run("explain", "--model", MODEL, "--images", "datasets/coco-sample/images",
                "--out", tmp.toString(), "--gt", "datasets/coco-sample/instances.json", "--target", "top2");
        assertEquals(2, r.code(), r.err());
    }

    @Test
    void aBadNormalizationIsAUsageError(@TempDir Path tmp) {
        for (String cmd : new String[] {"explain", "label"}) {
            BadInputTest.Run r = BadInputTest.run(cmd, "--model", MODEL, "--images", "datasets/coco-sample/images",
                    "--out", tmp.resolve(cmd).toString(), "--norm", "ivr:2");
            assertEquals(2, r.code(), cmd + ": " + r.err());
            assertTrue(r.err().contains("--norm"), r.err());
        }
    }
}
