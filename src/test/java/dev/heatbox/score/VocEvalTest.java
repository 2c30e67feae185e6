package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocEvalTest {
    static double[] box(JsonNode b) {
        return new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()};
    }

    static List<VocEval.GtBox> gt(JsonNode images) {
        List<VocEval.GtBox> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = images.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode o : e.getValue()) {
                out.add(new VocEval.GtBox(e.getKey(), o.get("class").asText(), box(o.get("bbox")),
                        o.has("difficult") && o.get("difficult").asInt() != 0));
            }
        }
        return out;
    }

    static List<VocEval.Detection> dets(JsonNode list) {
        List<VocEval.Detection> out = new ArrayList<>();
        for (JsonNode d : list) {
            out.add(new VocEval.Detection(d.get("image_id").asText(), d.get("class").asText(), d.get("score").asDouble(),
                    box(d.get("bbox"))));
        }
        return out;
    }

    @Test
    void handWorkedCaseWithDifficultAndDuplicate() {
        JsonNode f = Fixtures.json("voc/handworked.json");
        VocEval.ClassResult r = new VocEval(0.5, false).evaluate(gt(f.get("images")), dets(f.get("detections"))).get("dog");
        JsonNode e = f.get("expected").get("dog");
        assertEquals(e.get("AP").asDouble(), r.ap(), 1e-12);
        assertEquals(e.get("AP07").asDouble(), r.ap07(), 1e-12);
        assertEquals(e.get("npos").asInt(), r.npos());
        assertEquals(e.get("tp").asInt(), r.tp());
        assertEquals(e.get("fp").asInt(), r.fp());
    }

    @Test
    void objectDetectionMetricsReadmeExample() {
        JsonNode f = Fixtures.json("voc/odm_example/odm_example.json");
        assertEquals(true, f.get("iou_ge").asBoolean());
        VocEval.ClassResult r = new VocEval(f.get("iou_thr").asDouble(), true)
                .evaluate(gt(f.get("images")), dets(f.get("detections"))).get("person");
        JsonNode e = f.get("expected").get("person");
        assertEquals(e.get("AP_percent_2dp").asDouble(), Math.round(r.ap() * 10000) / 100.0, 0.0);
        assertEquals(e.get("AP07_percent_2dp").asDouble(), Math.round(r.ap07() * 10000) / 100.0, 0.0);
        assertEquals(e.get("npos").asInt(), r.npos());
        assertEquals(e.get("tp").asInt(), r.tp());
    }

    @Test
    void strictAndInclusiveThresholdsDifferExactlyAtTheThreshold() {
        // two 10×10 boxes overlapping in 10×5 ... IoU = 50 / 150 = 1/3; choose a case at exactly 0.5:
        // gt (0,0,9,9) 100 px, det (0,0,9,19) 200 px, overlap 100: IoU = 100 / 200 = 0.5
        List<VocEval.GtBox> g = List.of(new VocEval.GtBox("i", "c", new double[] {0, 0, 9, 9}, false));
        List<VocEval.Detection> d = List.of(new VocEval.Detection("i", "c", 1, new double[] {0, 0, 9, 19}));
        assertEquals(0.0, new VocEval(0.5, false).evaluateClass("c", g, d).ap(), 0.0, "voc_eval: IoU > 0.5");
        assertEquals(1.0, new VocEval(0.5, true).evaluateClass("c", g, d).ap(), 0.0, "devkit: IoU ≥ 0.5");
    }
}
