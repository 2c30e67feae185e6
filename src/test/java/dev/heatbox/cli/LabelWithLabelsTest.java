package dev.heatbox.cli;

import static dev.heatbox.cli.BadInputTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** `label --labels`: each image boxed for the categories it is labelled with, in every form labels come in. */
class LabelWithLabelsTest {
    static final String V1 = "models/mobilenet_v1_0.25_128";
    static final String CAT_DOG = "train2017_000000196393.jpg"; // bird, cat (and a bowl)
    static final String ELEPHANT = "val2017_000000519208.jpg";
    static final String DOG = "val2017_000000377575.jpg";
    static final String BUS = "train2017_000000252639.jpg";

    /** image file name → the category names of its boxes in coco/results.json. */
    static Map<String, Set<String>> boxedCategories(Path out) {
        JsonNode ann = Json.readTree(out.resolve("coco/annotations.json"));
        Map<Long, String> files = new HashMap<>();
        ann.get("images").forEach(i -> files.put(i.get("id").asLong(), i.get("file_name").asText()));
        Map<Long, String> cats = new HashMap<>();
        ann.get("categories").forEach(c -> cats.put(c.get("id").asLong(), c.get("name").asText()));
        Map<String, Set<String>> out2 = new HashMap<>();
        files.values().forEach(f -> out2.put(f, new HashSet<>()));
        ann.get("annotations").forEach(a -> out2.get(files.get(a.get("image_id").asLong())).add(cats.get(a.get("category_id").asLong())));
        return out2;
    }

    @Test
    void csvLabelsChooseWhatIsBoxedAndTheRunGoesOnPastBadLabels(@TempDir Path tmp) throws Exception {
        Path dir = LabelCommandTest.images(tmp, CAT_DOG, ELEPHANT, DOG, BUS);
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "file_name,category\n" + CAT_DOG + ",cat\n" + CAT_DOG + ",bird\n" + ELEPHANT + ",elephant\n"
                + DOG + ",unicorn\nnot-here.jpg,cat\n");
        Path out = tmp.resolve("o");
        BadInputTest.Run r = run("label", "--model", V1, "--images", dir.toString(), "--out", out.toString(),
                "--classes", "datasets/coco2imagenet.json", "--labels", csv.toString(), "--boxes", "instances");
        assertEquals(0, r.code(), r.err());
        Map<String, Set<String>> boxed = boxedCategories(out);
        assertEquals(Set.of("cat", "bird"), boxed.get(CAT_DOG), "a multi-label image gets boxes for each of its labels");
        assertEquals(Set.of("elephant"), boxed.get(ELEPHANT));
        assertEquals(Set.of(), boxed.get(DOG), "a label with no model class: no boxes, the run goes on");
        assertEquals(Set.of(), boxed.get(BUS), "an unlabelled image: no boxes (--unlabelled skip)");
        JsonNode run = Json.readTree(out.resolve("run.json"));
        JsonNode given = null;
        for (JsonNode im : run.get("images")) {
            if (im.get("fileName").asText().equals(CAT_DOG)) {
                given = im.get("given");
            }
        }
        assertTrue(given != null && given.get("labels").size() == 2 && given.has("guess") && given.has("labelProbability"),
                String.valueOf(given));
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("labelled <b>cat, bird</b>; model's guess:"), "the report shows the labels beside the guess");
        assertTrue(report.contains("no label maps to a model class"), "and flags the image whose label maps to nothing");
    }

    @Test
    void unlabelledImagesCanFallBackToTheModelsTopClass(@TempDir Path tmp) throws Exception {
        Path dir = LabelCommandTest.images(tmp, ELEPHANT, BUS);
        Path json = tmp.resolve("labels.json");
        Files.writeString(json, "{\"" + ELEPHANT + "\": [\"elephant\"]}");
        Path out = tmp.resolve("o");
        BadInputTest.Run r = run("label", "--model", V1, "--images", dir.toString(), "--out", out.toString(),
                "--classes", "datasets/coco2imagenet.json", "--labels", json.toString(), "--unlabelled", "top");
        assertEquals(0, r.code(), r.err());
        Map<String, Set<String>> boxed = boxedCategories(out);
        assertEquals(Set.of("elephant"), boxed.get(ELEPHANT));
        assertFalse(boxed.get(BUS).isEmpty(), "the unlabelled image gets the model's top class (a bus or truck)");
    }

    @Test
    void cocoLabelsGiveEveryLabelledCategoryAndMatchTheGroundTruthsIds(@TempDir Path tmp) throws Exception {
        Path dir = LabelCommandTest.images(tmp, CAT_DOG, ELEPHANT, DOG);
        Path out = tmp.resolve("o");
        String gt = "datasets/coco-sample/instances.json";
        BadInputTest.Run r = run("label", "--model", V1, "--images", dir.toString(), "--out", out.toString(),
                "--classes", "datasets/coco2imagenet.json", "--gt", gt, "--labels", "coco:" + gt, "--boxes", "all");
        assertEquals(0, r.code(), r.err());
        Map<String, Set<String>> boxed = boxedCategories(out);
        assertEquals(Set.of("cat", "bird"), boxed.get(CAT_DOG), "the bowl has no model class");
        assertEquals(Set.of("elephant"), boxed.get(ELEPHANT), "the person has no model class");
        assertEquals(Set.of("dog"), boxed.get(DOG));
        BadInputTest.Run e = run("eval", "--gt", gt, "--pred", out.resolve("coco/results.json").toString(), "--out",
                tmp.resolve("e").toString());
        assertEquals(0, e.code(), e.err());
    }

    @Test
    void folderLayoutLabelsByParentFolderAndModelLabelsWithoutAMap(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("photos");
        Files.createDirectories(root.resolve("African elephant"));
        Files.createDirectories(root.resolve("7"));
        Files.copy(Path.of("datasets/coco-sample/images").resolve(ELEPHANT), root.resolve("African elephant").resolve(ELEPHANT));
        Files.copy(Path.of("datasets/coco-sample/images").resolve(DOG), root.resolve("7").resolve(DOG));
        Path out = tmp.resolve("o");
        BadInputTest.Run r = run("label", "--model", V1, "--images", root.toString(), "--out", out.toString(),
                "--labels", "folders");
        assertEquals(0, r.code(), r.err());
        Map<String, Set<String>> boxed = boxedCategories(out);
        java.util.List<String> labels = Files.readAllLines(Path.of(V1, "labels.txt"));
        assertEquals(Set.of("African elephant, Loxodonta africana"), boxed.get(ELEPHANT), "a folder named by a synonym of a model label");
        assertEquals(Set.of(labels.get(7)), boxed.get(DOG), "a folder named by a class index");
    }

    @Test
    void explainTakesLabelsToo(@TempDir Path tmp) throws Exception {
        Path dir = LabelCommandTest.images(tmp, CAT_DOG, ELEPHANT);
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, CAT_DOG + ",cat\n" + CAT_DOG + ",bird\n");
        BadInputTest.Run r = run("explain", "--model", V1, "--images", dir.toString(), "--out", tmp.resolve("o").toString(),
                "--classes", "datasets/coco2imagenet.json", "--labels", csv.toString());
        assertEquals(4, r.code(), "the unlabelled image is skipped and listed: " + r.err());
        JsonNode index = Json.readTree(tmp.resolve("o/heatmaps/index.json"));
        assertEquals(2, index.size(), "one map per label of the labelled image");
        assertEquals(Set.of("cat", "bird"), Set.of(index.get(0).get("category").asText(), index.get(1).get("category").asText()));
    }
}
