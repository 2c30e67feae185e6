package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import dev.heatbox.util.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.nio.file.Path;

/**
 * Inputs pycocotools accepts though a tidy dataset would not have them (tools/pycocotools_edge_cases.py
 * wrote them and pycocotools' own 12 numbers): the evaluator must give the same numbers, and
 * the dataset reader must still refuse them where a Heatbox dataset is read.
 */
class CocoEvalEdgeTest {
    @ParameterizedTest
    @ValueSource(strings = {"unknown_category_in_results", "duplicate_annotation_ids", "duplicate_category_ids",
        "annotations_naming_no_image_or_category", "duplicate_image_id"})
    void sameNumbersAsPycocotools(String name) {
        Path dir = Fixtures.path("coco/edge/" + name);
        Coco.Dataset gt = CocoReader.readAsPycocotools(dir.resolve("gt.json"));
        CocoEval e = new CocoEval();
        e.evaluate(gt, CocoReader.readResults(dir.resolve("results.json")));
        JsonNode exp = Fixtures.json("coco/edge/" + name + "/expected.json").get("pycocotools_stats");
        CocoEvalTest.assertStats(exp, e.stats(), 1e-12);
    }

    @Test
    void theDatasetReaderStillRefusesWhatADatasetMustNotHave() {
        for (String name : new String[] {"annotations_naming_no_image_or_category", "duplicate_image_id", "duplicate_category_ids"}) {
            Path gt = Fixtures.path("coco/edge/" + name + "/gt.json");
            assertFalse(CocoReader.readAsPycocotools(gt).problems.isEmpty(), name);
            assertThrows(BadInputException.class, () -> CocoReader.readDataset(gt), name);
        }
        // repeated annotation ids were always accepted in a dataset
        Coco.Dataset d = CocoReader.readDataset(Fixtures.path("coco/edge/duplicate_annotation_ids/gt.json"));
        assertTrue(d.problems.get(0).contains("duplicated annotation id"), d.problems.toString());
    }
}
