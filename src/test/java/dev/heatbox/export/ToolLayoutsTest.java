package dev.heatbox.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.cli.Main;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `label --format cvat-coco,cvat-voc,cvat-yolo,ultralytics,fiftyone`, read back the way each tool reads it. */
class ToolLayoutsTest {
    @TempDir
    static Path tmp;
    static Path out;
    static JsonNode coco;

    @BeforeAll
    static void label() throws IOException {
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        for (String n : new String[] {"val2017_000000519208.jpg", "train2017_000000252639.jpg", "train2017_000000425988.jpg"}) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), images.resolve(n));
        }
        out = tmp.resolve("out");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("label", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--images", images.toString(),
                "--classes", "datasets/coco2imagenet.json", "--out", out.toString(),
                "--format", "coco,cvat-coco,cvat-voc,cvat-yolo,ultralytics,fiftyone");
        assertEquals(0, code, err.toString());
        coco = Json.readTree(out.resolve("coco/annotations.json"));
        assertTrue(coco.get("annotations").size() > 0, "some boxes to check");
    }

    static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    @Test
    void cvatCocoZipHoldsInstancesDefaultWithEveryFieldCvatNeeds() throws IOException {
        Map<String, String> z = unzip(out.resolve("cvat-coco.zip"));
        assertEquals(List.of("annotations/instances_default.json"), new ArrayList<>(z.keySet()));
        JsonNode d = Json.MAPPER.readTree(z.get("annotations/instances_default.json"));
        for (JsonNode a : d.get("annotations")) {
            assertTrue(a.has("id") && a.get("iscrowd").asInt() == 0 && a.get("segmentation").isArray()
                    && a.get("segmentation").isEmpty() && a.get("bbox").size() == 4, a.toString());
        }
        for (JsonNode c : d.get("categories")) {
            assertTrue(c.get("id").asLong() >= 1, "category ids from 1");
        }
    }

    @Test
    void cvatVocZipHasAnnotationsImageSetsAndLabelmap() throws IOException {
        Map<String, String> z = unzip(out.resolve("cvat-voc.zip"));
        List<String> stems = List.of(z.get("ImageSets/Main/default.txt").strip().split("\n"));
        assertEquals(3, stems.size());
        for (String s : stems) {
            assertTrue(z.containsKey("Annotations/" + s + ".xml"), s);
            assertTrue(z.get("Annotations/" + s + ".xml").contains("<filename>" + s + ".jpg</filename>"), s);
        }
        String[] labelmap = z.get("labelmap.txt").split("\n");
        assertTrue(labelmap[0].startsWith("# label:color_rgb:parts:actions"));
        assertEquals(coco.get("categories").size(), labelmap.length - 1);
    }

    @Test
    void cvatYoloZipIsYolo11WithFiveFieldsALine() throws IOException {
        Map<String, String> z = unzip(out.resolve("cvat-yolo.zip"));
        int classes = z.get("obj.names").strip().split("\n").length;
        assertEquals(coco.get("categories").size(), classes);
        assertTrue(z.get("obj.data").contains("classes = " + classes));
        List<String> train = List.of(z.get("train.txt").strip().split("\n"));
        assertEquals(3, train.size());
        for (String t : train) {
            assertTrue(t.startsWith("data/obj_train_data/") && t.endsWith(".jpg"), t);
            String stem = t.substring("data/obj_train_data/".length(), t.length() - 4);
            for (String line : z.get("obj_train_data/" + stem + ".txt").strip().split("\n")) {
                if (!line.isBlank()) {
                    assertEquals(5, line.trim().split(" ").length, "no confidence column: " + line);
                    assertTrue(Integer.parseInt(line.split(" ")[0]) < classes);
                }
            }
        }
    }

    @Test
    void ultralyticsFolderHasDataYamlImagesAndLabels() throws IOException {
        Path u = out.resolve("ultralytics");
        List<String> yaml = Files.readAllLines(u.resolve("data.yaml"));
        assertEquals("path: \"" + u.toAbsolutePath() + "\"", yaml.get(0));
        assertTrue(yaml.contains("train: images/train") && yaml.contains("names:"));
        assertEquals(coco.get("categories").size(), yaml.stream().filter(l -> l.matches("  \\d+: \".*\"")).count());
        try (var s = Files.list(u.resolve("images/train"))) {
            for (Path img : s.toList()) {
                String stem = img.getFileName().toString().replaceAll("\\.jpg$", "");
                assertTrue(Files.size(img) > 1000);
                assertTrue(Files.exists(u.resolve("labels/train/" + stem + ".txt")), stem);
            }
        }
    }

    @Test
    void fiftyoneFolderIsCocoDetectionDataset() throws IOException {
        Path f = out.resolve("fiftyone");
        JsonNode labels = Json.readTree(f.resolve("labels.json"));
        assertEquals(3, labels.get("images").size());
        for (JsonNode im : labels.get("images")) {
            assertTrue(Files.isRegularFile(f.resolve("data").resolve(im.get("file_name").asText())), im.toString());
        }
    }
}
