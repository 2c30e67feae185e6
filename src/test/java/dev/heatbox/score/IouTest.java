package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.data.PixelBox;
import org.junit.jupiter.api.Test;

class IouTest {
    private static PixelBox box(JsonNode n) {
        return new PixelBox(n.get(0).asInt(), n.get(1).asInt(), n.get(2).asInt(), n.get(3).asInt());
    }

    @Test
    void wsolIouMatchesTheReferenceUnitTests() {
        JsonNode cases = Fixtures.json("wsol/evaluation_test_expectations.json").get("calculate_multiple_iou");
        int checked = 0;
        for (JsonNode c : cases) {
            if (c.has("raises")) {
                continue; // a box with x1 < x0: the reference raises; Heatbox's readers refuse such boxes
            }
            double tol = c.has("tol") ? c.get("tol").asDouble() : 1e-12;
            for (int i = 0; i < c.get("a").size(); i++) {
                for (int j = 0; j < c.get("b").size(); j++) {
                    double expected = c.get("iou").get(i).get(j).asDouble();
                    assertEquals(expected, Iou.wsol(box(c.get("a").get(i)), box(c.get("b").get(j))), tol,
                            "case " + c + " pair " + i + "," + j);
                    checked++;
                }
            }
        }
        assertEquals(true, checked >= 8);
    }

    @Test
    void wsolIouIsEightOverTwentySeven() {
        // a = 5×5 pixels, b = 2×5 pixels, overlap 2×4 = 8, union 25 + 10 − 8 = 27
        assertEquals(8.0 / 27, Iou.wsol(new PixelBox(1, 2, 5, 6), new PixelBox(3, 1, 4, 5)), 1e-15);
    }

    @Test
    void cocoIouIsContinuous() {
        // [0,0,10,10] and [5,0,10,10]: overlap 50, union 150
        assertEquals(1.0 / 3, Iou.coco(new double[] {0, 0, 10, 10}, new double[] {5, 0, 10, 10}), 1e-15);
        // touching boxes do not overlap in the continuous convention
        assertEquals(0.0, Iou.coco(new double[] {0, 0, 10, 10}, new double[] {10, 0, 10, 10}));
    }

    @Test
    void vocIouAddsOneToEverySide() {
        // corners (0,0,9,9) and (5,0,14,9): 10×10 each, overlap 5×10 = 50, union 150
        assertEquals(1.0 / 3, Iou.voc(new double[] {0, 0, 9, 9}, new double[] {5, 0, 14, 9}), 1e-15);
        // touching corners (0,0,9,9) and (9,0,18,9) share a column of 10 pixels under +1
        assertEquals(10.0 / 190, Iou.voc(new double[] {0, 0, 9, 9}, new double[] {9, 0, 18, 9}), 1e-15);
    }

    @Test
    void resizeLikeWsolTruncates() {
        JsonNode cases = Fixtures.json("wsol/evaluation_test_expectations.json").get("resize_bbox");
        for (JsonNode c : cases) {
            PixelBox b = box(c.get("box"));
            // image_size / resize_size are (width, height) pairs as in wsolevaluation's resize_bbox
            PixelBox r = b.resizedLikeWsol(c.get("image_size").get(0).asInt(), c.get("image_size").get(1).asInt(),
                    c.get("resize_size").get(0).asInt(), c.get("resize_size").get(1).asInt());
            assertEquals(box(c.get("out")), r, c.toString());
        }
    }
}
