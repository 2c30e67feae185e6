package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Agreement with pycocotools on the fixtures whose expected numbers pycocotools produced. */
class CocoEvalTest {
    static double[] run(String gt, String dt) {
        CocoEval e = new CocoEval();
        e.evaluate(CocoReader.readDataset(Fixtures.path(gt)), CocoReader.readResults(Fixtures.path(dt)));
        return e.stats();
    }

    static void assertStats(JsonNode expected, double[] actual, double tol) {
        assertEquals(12, expected.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(expected.get(i).asDouble(), actual[i], tol, CocoEval.STAT_NAMES[i]);
        }
    }

    @Test
    void cocoapiFakeResultsOnHundredVal2014Images() {
        JsonNode exp = Fixtures.json("coco/expected_val2014_100_bbox.json");
        assertStats(exp.get("stats"), run("coco/instances_val2014_100.json", "coco/instances_val2014_fakebbox100_results.json"),
                1e-12);
    }

    @Test
    void customAreaRanges() {
        JsonNode rt = Fixtures.json("coco/expected_val2014_100_bbox.json").get("ranges_test");
        List<CocoEval.AreaRange> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rt.get("area_ranges").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ranges.add(new CocoEval.AreaRange(e.getKey(), e.getValue().get(0).asDouble(), e.getValue().get(1).asDouble()));
        }
        CocoEval e = new CocoEval(ranges);
        e.evaluate(CocoReader.readDataset(Fixtures.path("coco/instances_val2014_100.json")),
                CocoReader.readResults(Fixtures.path("coco/instances_val2014_fakebbox100_results.json")));
        JsonNode keys = rt.get("keys");
        JsonNode stats = rt.get("stats");
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i).asText();
            double actual;
            if (k.equals("AP_all")) {
                actual = e.stats()[0];
            } else if (k.equals("AP_50")) {
                actual = e.stats()[1];
            } else if (k.equals("AP_75")) {
                actual = e.stats()[2];
            } else if (k.equals("AR_all")) {
                actual = e.stats()[6];
            } else if (k.equals("AR_second")) {
                actual = e.stats()[7];
            } else if (k.equals("AR_third")) {
                actual = e.stats()[8];
            } else if (k.startsWith("AP_")) {
                actual = e.apForArea(k.substring(3));
            } else {
                actual = e.arForArea(k.substring(3));
            }
            assertEquals(stats.get(i).asDouble(), actual, 1e-10, k);
        }
    }

    @Test
    void detectron2CaseWithCrowdAndEmptyRange() {
        JsonNode exp = Fixtures.json("coco/detectron2_fixture_expected.json");
        assertStats(exp.get("stats_bbox"), run("coco/detectron2_fixture_gt.json", "coco/detectron2_fixture_dt.json"), 1e-12);
    }

    @Test
    void hotcocoEdgeCases() {
        JsonNode exp = Fixtures.json("coco/hotcoco/edge_expected.json");
        assertStats(exp.get("stats"), run("coco/hotcoco/edge_gt.json", "coco/hotcoco/edge_dt.json"), 1e-4);
    }

    @Test
    void groundTruthIdZeroCountsAsAFalsePositiveAsInPycocotools() {
        double[] s = run("coco/hotcoco/zero_gt.json", "coco/hotcoco/zero_dt.json");
        assertEquals(0.442244, s[0], 1e-6, "AP");
        assertEquals(0.666667, s[8], 1e-6, "AR100");
    }

    @Test
    void linspaceMatchesNumpy() {
        double[] t = CocoEval.linspace(0.5, 0.95, 10);
        assertEquals(0.75, t[5], 0.0);
        assertEquals(0.85, t[7], 0.0); // 7 · (0.45 / 9) + 0.5 in float64
        double[] r = CocoEval.linspace(0, 1, 101);
        assertEquals(0.07, r[7], 0.0);
        assertEquals(1.0, r[100], 0.0);
    }

    @Test
    void perfectDetectionsScoreOne() {
        Coco.Dataset gt = new Coco.Dataset();
        gt.images.add(new Coco.Image(1, "a.jpg", 100, 100));
        gt.categories.add(new Coco.Category(1, "x"));
        gt.annotations.add(new Coco.Annotation(1, 1, 1, new double[] {10, 10, 40, 40}));
        CocoEval e = new CocoEval();
        e.evaluate(gt, List.of(new Coco.Result(1, 1, new double[] {10, 10, 40, 40}, 0.9)));
        assertEquals(1.0, e.stats()[0], 1e-12);
        assertEquals(-1.0, e.stats()[5], 0.0, "no large objects: −1 as pycocotools");
    }
}
