package dev.heatbox.cli;

import static dev.heatbox.cli.BadInputTest.assertOneLine;
import static dev.heatbox.cli.BadInputTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class EvalCommandTest {
    static final String GT = Fixtures.path("coco/instances_val2014_100.json").toString();
    static final String DT = Fixtures.path("coco/instances_val2014_fakebbox100_results.json").toString();

    @Test
    void writesMetricsJsonWithThePycocotoolsNumbers(@TempDir Path tmp) {
        BadInputTest.Run r = run("eval", "--gt", GT, "--pred", DT, "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.readTree(tmp.resolve("metrics.json"));
        JsonNode exp = Fixtures.json("coco/expected_val2014_100_bbox.json").get("stats");
        assertEquals(exp.get(0).asDouble(), m.get("coco").get("AP").asDouble(), 1e-12);
        assertEquals(exp.get(11).asDouble(), m.get("coco").get("ARl").asDouble(), 1e-12);
        assertTrue(m.get("voc").get("mAP").asDouble() > 0);
        assertTrue(m.get("voc").get("per_class").has("person"));
    }

    @Test
    void truncatedJson(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("dt.json");
        Files.writeString(bad, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2,");
        assertOneLine(run("eval", "--gt", GT, "--pred", bad.toString(), "--out", tmp.resolve("o").toString()), 3, "dt.json");
        assertFalse(Files.exists(tmp.resolve("o/metrics.json")));
    }

    @Test
    void wrongTypeNamesTheField(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("dt.json");
        Files.writeString(bad, "[{\"image_id\": \"abc\", \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        BadInputTest.Run r = run("eval", "--gt", GT, "--pred", bad.toString(), "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "[0].image_id");
    }

    @Test
    void negativeWidth(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("dt.json");
        Files.writeString(bad, "[{\"image_id\": 42, \"category_id\": 1, \"bbox\": [1, 2, -3, 4], \"score\": 0.5}]");
        assertOneLine(run("eval", "--gt", GT, "--pred", bad.toString(), "--out", tmp.resolve("o").toString()), 3,
                "negative width");
    }

    @Test
    void unknownImageId(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("dt.json");
        Files.writeString(bad, "[{\"image_id\": 999999999, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]");
        assertOneLine(run("eval", "--gt", GT, "--pred", bad.toString(), "--out", tmp.resolve("o").toString()), 3,
                "999999999");
    }

    @Test
    void categoriesWithoutNamesAndImagesWithoutFileNamesAreEvaluatedAsPycocotoolsDoes(@TempDir Path tmp) throws IOException {
        // pycocotools needs only ids; the VOC table names such a category by its id
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1}, {\"id\": 5}], \"categories\": [{\"id\": 1}, {\"id\": 2}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"area\": 16,"
                + " \"iscrowd\": 0}, {\"id\": 2, \"image_id\": 5, \"category_id\": 2, \"bbox\": [2, 2, 6, 6], \"area\": 36, \"iscrowd\": 0}]}");
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"score\": 0.9},"
                + " {\"image_id\": 5, \"category_id\": 2, \"bbox\": [20, 20, 6, 6], \"score\": 0.8}]");
        BadInputTest.Run r = run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.readTree(tmp.resolve("o/metrics.json"));
        assertEquals(0.5, m.path("coco").path("AP50").asDouble(), 1e-12); // category 1 found, category 2 missed
        assertEquals(1.0, m.path("voc").path("per_class").path("id 1").path("AP").asDouble(), 1e-12);
        assertEquals(0.0, m.path("voc").path("per_class").path("id 2").path("AP").asDouble(), 1e-12);
    }

    @Test
    void resultsWithoutScoreAreRefusedNamingTheFirst(@TempDir Path tmp) throws IOException {
        // ground truth passed by mistake as predictions: pycocotools' COCOeval fails (KeyError 'score')
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1, \"name\": \"x\"}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 25,"
                + " \"iscrowd\": 0}]}");
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"score\": 0.4},"
                + " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5]}]");
        BadInputTest.Run r = run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString());
        assertOneLine(r, 3, "dt.json: [1] has no score");
        assertFalse(Files.exists(tmp.resolve("o/metrics.json")));
        // the ground truth file itself as --pred: refused the same way
        assertOneLine(run("eval", "--gt", gt.toString(), "--pred", gt.toString(), "--out", tmp.resolve("o").toString()), 3,
                "gt.json: [0] has no score");
        // the explicit lenient mode scores them 1.0 and says so
        r = run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString(), "--assume-score");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning") && r.err().contains("1 results have no score"), r.err());
        assertEquals(1.0, Json.readTree(tmp.resolve("o/metrics.json")).path("coco").path("AP50").asDouble(), 1e-12);
    }

    @Test
    void anEvaluatedAnnotationWithoutAreaIsRefusedAsPycocotoolsFailsOnIt(@TempDir Path tmp) throws IOException {
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"iscrowd\": 0}]}");
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"score\": 0.4}]");
        assertOneLine(run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString()), 3,
                "annotations[0].area is missing");
    }

    @Test
    void groundTruthAnnotationOnAMissingImageIsIgnoredWithAWarningAsPycocotoolsDoes(@TempDir Path tmp) throws IOException {
        // pycocotools' COCO() takes it, and COCOeval never looks at an image that is not in 'images'
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}],"
                + " \"categories\": [{\"id\": 1, \"name\": \"x\"}],"
                + " \"annotations\": [{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]},"
                + " {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"area\": 16, \"iscrowd\": 0}]}");
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"score\": 0.9}]");
        BadInputTest.Run r = run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("annotations[0].image_id 2 names no image") && r.err().contains("warning"), r.err());
        assertEquals(1.0, Json.readTree(tmp.resolve("o/metrics.json")).path("coco").path("AP").asDouble(), 1e-12);
    }

    @Test
    void groundTruthWithoutCategoriesIsRefusedAsPycocotoolsCannotEvaluateIt(@TempDir Path tmp) throws IOException {
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": []}");
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"score\": 0.9}]");
        assertOneLine(run("eval", "--gt", gt.toString(), "--pred", dt.toString(), "--out", tmp.resolve("o").toString()), 3,
                "no 'categories' list");
    }

    @Test
    void xxeInAVocFolder(@TempDir Path tmp) throws IOException {
        Path voc = tmp.resolve("voc");
        Files.createDirectories(voc);
        Files.writeString(voc.resolve("a.xml"), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<annotation><filename>&x;</filename></annotation>");
        assertOneLine(run("eval", "--gt", voc.toString(), "--pred", voc.toString(), "--out", tmp.resolve("o").toString()), 3,
                "a.xml");
    }

    @Test
    void vocFoldersOnBothSides(@TempDir Path tmp) {
        // the shipped coco-sample VOC files scored against themselves: every AP is 1
        Path sample = Path.of("datasets/coco-sample/voc");
        BadInputTest.Run r = run("eval", "--gt", sample.toString(), "--pred", sample.toString(), "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.readTree(tmp.resolve("metrics.json"));
        assertEquals(1.0, m.get("voc").get("mAP").asDouble(), 1e-12);
        assertEquals(1.0, m.get("coco").get("AP").asDouble(), 1e-12);
    }

    @Test
    void resultsWithUnknownCategoriesAreIgnoredWithAWarningAndScoredAsPycocotools(@TempDir Path tmp) {
        // tools/pycocotools_edge_cases.py: pycocotools 2.0.11's own stats for these files
        Path dir = Fixtures.path("coco/edge/unknown_category_in_results");
        BadInputTest.Run r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--pred", dir.resolve("results.json").toString(),
                "--out", tmp.resolve("o").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("4 results have category ids absent from the ground truth"), r.err());
        JsonNode want = Fixtures.json("coco/edge/unknown_category_in_results/expected.json").get("pycocotools_stats");
        JsonNode got = Json.readTree(tmp.resolve("o/metrics.json")).get("coco");
        assertEquals(want.get(0).asDouble(), got.get("AP").asDouble(), 1e-12);
        assertEquals(want.get(1).asDouble(), got.get("AP50").asDouble(), 1e-12);
        assertEquals(want.get(8).asDouble(), got.get("AR100").asDouble(), 1e-12);
    }

    @Test
    void anEmptyResultsListIsExitThreeAsPycocotoolsCannotLoadIt(@TempDir Path tmp) throws IOException {
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "[]");
        assertOneLine(run("eval", "--gt", GT, "--pred", empty.toString(), "--out", tmp.resolve("o").toString()), 3,
                "an empty results list: pycocotools' loadRes fails on it");
    }
}
