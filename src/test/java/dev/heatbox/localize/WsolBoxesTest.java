package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.data.PixelBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsolBoxesTest {
    @Test
    void referenceBoxesAtEachThreshold() {
        JsonNode cases = Fixtures.json("wsol/evaluation_test_expectations.json").get("compute_bboxes_from_scoremaps");
        int checked = 0;
        for (JsonNode c : cases) {
            if (!c.get("scoremap").isArray()) {
                continue; // the NaN case, below
            }
            assertEquals("np.arange(0, 1, 0.2)", c.get("thresholds").asText());
            JsonNode sm = c.get("scoremap");
            int h = sm.size();
            int w = sm.get(0).size();
            float[] map = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    map[y * w + x] = (float) sm.get(y).get(x).asDouble();
                }
            }
            WsolBoxes wb = new WsolBoxes(map, h, w);
            double[] taus = WsolBoxes.thresholds(0.2);
            assertEquals(5, taus.length);
            List<List<PixelBox>> swept = wb.sweep(taus, false);
            for (int t = 0; t < taus.length; t++) {
                JsonNode e = c.get("first_boxes").get(t);
                PixelBox expected = new PixelBox(e.get(0).asInt(), e.get(1).asInt(), e.get(2).asInt(), e.get(3).asInt());
                assertEquals(expected, wb.boxes(taus[t], false).get(0), c.get("name") + " at τ=" + taus[t]);
                assertEquals(expected, swept.get(t).get(0), "sweep " + c.get("name") + " at τ=" + taus[t]);
                checked++;
            }
        }
        assertEquals(15, checked);
    }

    @Test
    void nanMapIsRefused() {
        float[] map = new float[9];
        java.util.Arrays.fill(map, Float.NaN);
        assertThrows(IllegalArgumentException.class, () -> new WsolBoxes(map, 3, 3));
    }

    @Test
    void thresholdGridHasTheFloatingPointValuesOfNumpyArange() {
        double[] t = WsolBoxes.thresholds(0.01);
        assertEquals(100, t.length);
        // numpy's arange fills start + i·step: 35 · 0.01 is 0.35000000000000003, not 35 / 100
        assertEquals(0.35000000000000003, t[35], 0.0);
        assertEquals(0.29, t[29], 0.0);
        assertEquals(1000, WsolBoxes.thresholds(0.001).length);
    }

    @Test
    void sweepEqualsOneExtractionPerThresholdOnARandomMap() {
        java.util.Random rng = new java.util.Random(7);
        int h = 40;
        int w = 50;
        float[] map = new float[h * w];
        for (int i = 0; i < map.length; i++) {
            map[i] = rng.nextFloat();
        }
        // smooth a little so that contours nest and split as the threshold rises
        WsolBoxes wb = new WsolBoxes(map, h, w);
        double[] taus = WsolBoxes.thresholds(0.01);
        List<List<PixelBox>> swept = wb.sweep(taus, true);
        for (int t = 0; t < taus.length; t++) {
            assertEquals(wb.boxes(taus[t], true), swept.get(t), "τ=" + taus[t]);
        }
    }
}
