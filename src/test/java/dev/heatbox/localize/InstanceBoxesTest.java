package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.data.PixelBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceBoxesTest {
    static final int H = 64;
    static final int W = 96;

    /** A Gaussian blob of this height centred at (cx, cy), added to the map. */
    static void blob(float[] map, double cx, double cy, double sigma, double height) {
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                map[y * W + x] += (float) (height * Math.exp(-d2 / (2 * sigma * sigma)));
            }
        }
    }

    static boolean around(PixelBox b, double cx, double cy) {
        return b.x0() < cx && cx < b.x1() && b.y0() < cy && cy < b.y1();
    }

    @Test
    void twoSeparatedBlobsGiveTwoBoxesEachAroundItsBlob() {
        float[] map = new float[H * W];
        blob(map, 22, 30, 6, 1.0);
        blob(map, 70, 34, 7, 0.8);
        List<PixelBox> boxes = BoxRule.parse("instances").boxes(map, H, W, 0.2);
        assertEquals(2, boxes.size(), boxes.toString());
        assertTrue(around(boxes.get(0), 22, 30) && boxes.get(0).x1() < 46, "the higher blob first: " + boxes.get(0));
        assertTrue(around(boxes.get(1), 70, 34) && boxes.get(1).x0() > 46, boxes.get(1).toString());
        // the largest-component rule keeps one of them only
        assertEquals(1, BoxRule.parse("largest").boxes(map, H, W, 0.2).size());
    }

    @Test
    void oneBlobGivesOneBox() {
        float[] map = new float[H * W];
        blob(map, 48, 32, 9, 1.0);
        List<PixelBox> boxes = BoxRule.parse("instances").boxes(map, H, W, 0.2);
        assertEquals(1, boxes.size());
        assertEquals(BoxRule.parse("largest").boxes(map, H, W, 0.2), boxes, "a lone blob: the same box as the CAM rule");
    }

    @Test
    void touchingBlobsSplitWhereTheMapDipsAndMergeWhereItHardlyDips() {
        float[] deep = new float[H * W];
        blob(deep, 34, 32, 6, 1.0);
        blob(deep, 60, 32, 6, 1.0); // they meet at ≈ 0.3 of the max, above τ = 0.1: one component
        assertEquals(1, BoxRule.parse("all").boxes(deep, H, W, 0.1).size(), "the CAM rule sees one region");
        List<PixelBox> split = BoxRule.parse("instances:0.2").boxes(deep, H, W, 0.1);
        assertEquals(2, split.size(), split.toString());
        float[] shallow = new float[H * W];
        blob(shallow, 42, 32, 7, 1.0);
        blob(shallow, 54, 32, 7, 0.95); // the dip between them is a few percent: one object
        assertEquals(1, BoxRule.parse("instances:0.2").boxes(shallow, H, W, 0.1).size());
    }

    @Test
    void smallRegionsAreDroppedButAMapAlwaysGivesItsHighest() {
        float[] map = new float[H * W];
        blob(map, 30, 30, 8, 1.0);
        blob(map, 80, 10, 1.0, 0.9); // a speck: a few pixels
        assertEquals(1, BoxRule.parse("instances:0.2:0.01").boxes(map, H, W, 0.2).size());
        assertEquals(2, BoxRule.parse("instances:0.2:0").boxes(map, H, W, 0.2).size());
        float[] speck = new float[H * W];
        speck[10 * W + 10] = 1;
        assertEquals(List.of(new PixelBox(10, 10, 10, 10)), BoxRule.parse("instances").boxes(speck, H, W, 0.2));
    }

    @Test
    void rulesParseAndPrintBack() {
        assertEquals("instances:0.2:0.01", BoxRule.parse("instances").toString());
        assertEquals("instances:0.35:0", BoxRule.parse("instances:0.35:0").toString());
        assertEquals("largest", BoxRule.parse("largest").toString());
        assertThrows(IllegalArgumentException.class, () -> BoxRule.parse("biggest"));
        assertThrows(IllegalArgumentException.class, () -> BoxRule.parse("all:0.3"));
        assertThrows(IllegalArgumentException.class, () -> BoxRule.parse("instances:2"));
    }
}
