package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.Fixtures;
import dev.heatbox.data.PixelBox;
import dev.heatbox.data.WsolMasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PxAP on wsolevaluation's own test masks, and MaxBoxAcc on hand-made cases. */
class WsolMetricsTest {
    static final int SIZE = 224;
    static final JsonNode T = Fixtures.json("wsol/evaluation_test_expectations.json").get("MaskEvaluatorTest");
    static final Path ROOT = Fixtures.path("wsol/test_masks");

    static byte[] mask(String image, String pathsKey, String ignoreKey) {
        List<String> paths = new ArrayList<>();
        T.get(pathsKey).get(image).forEach(p -> paths.add(p.asText()));
        return WsolMasks.load(ROOT, paths, T.get(ignoreKey).get(image).asText(), SIZE, SIZE);
    }

    @Test
    void perfectScoreMapGivesPxApOne() {
        String[] ids = {"val/0bt_c3/1cd9ac0169ec7df0.jpg", "val/0bt_c3/3a29f0b33894d4a6.jpg", "val/0bt_c3/3b3b9931325d65c9.jpg"};
        for (String id : ids) {
            for (float ignoreScore : new float[] {0f, 1f}) {
                byte[] helper = mask(id, "test_helper_mask_paths", "test_helper_ignore_paths");
                float[] map = new float[helper.length];
                for (int i = 0; i < map.length; i++) {
                    int m = helper[i] & 0xff;
                    map[i] = m == 255 ? ignoreScore : m;
                }
                PxAp px = new PxAp(T.get("cam_curve_interval").asDouble());
                px.accumulate(map, mask(id, "mask_paths", "ignore_paths"));
                assertEquals(T.get("perfect_scoremap_auc").asDouble() / 100, px.compute(), 0.0, id);
            }
        }
    }

    @Test
    void constantScoreMapGivesTheForegroundShare() {
        double tol = T.get("tol").asDouble() / 100;
        T.get("constant_scoremap_auc").fields().forEachRemaining(e -> {
            for (JsonNode v : T.get("constant_values")) {
                float[] map = new float[SIZE * SIZE];
                java.util.Arrays.fill(map, (float) v.asDouble());
                PxAp px = new PxAp(T.get("cam_curve_interval").asDouble());
                px.accumulate(map, mask(e.getKey(), "mask_paths", "ignore_paths"));
                assertEquals(e.getValue().asDouble() / 100, px.compute(), tol, e.getKey() + " at " + v);
            }
        });
    }

    @Test
    void imageWithoutForegroundRaises() {
        for (JsonNode id : T.get("raises_no_positive_gt")) {
            float[] map = new float[SIZE * SIZE];
            PxAp px = new PxAp(0.01);
            px.accumulate(map, mask(id.asText(), "mask_paths", "ignore_paths"));
            assertThrows(IllegalStateException.class, px::compute);
        }
    }

    @Test
    void maxBoxAccOnHandMadeMaps() {
        // map: a bright 4×4 square at (2..5, 2..5) on a 10×10 grid with a dimmer 2×2 blob at (8..9, 0..1)
        float[] map = new float[100];
        for (int y = 2; y <= 5; y++) {
            for (int x = 2; x <= 5; x++) {
                map[y * 10 + x] = 1f;
            }
        }
        map[8] = map[9] = map[18] = map[19] = 0.5f;
        MaxBoxAcc v1 = MaxBoxAcc.v1(0.01);
        // ground truth exactly the square: correct at every τ where the square is the largest contour
        v1.accumulate(map, 10, 10, List.of(new PixelBox(2, 2, 5, 5)));
        // a second image whose ground truth is the dim blob: never the largest contour, so never correct
        v1.accumulate(map, 10, 10, List.of(new PixelBox(8, 0, 9, 1)));
        assertEquals(0.5, v1.compute()[0], 0.0);

        MaxBoxAcc v2 = MaxBoxAcc.v2(0.01);
        v2.accumulate(map, 10, 10, List.of(new PixelBox(8, 0, 9, 1)));
        // with all contours, the blob's own box counts below τ = 0.5 (cut int(τ·255) < 127). The
        // reference's box is (x, y, x+w, y+h) clipped to the map: (8, 0, 9, 2), IoU 4 / 6 with (8, 0, 9, 1)
        double[] r = v2.compute();
        assertEquals(1.0, r[0], 0.0);
        assertEquals(1.0, r[1], 0.0);
        assertEquals(0.0, r[2], 0.0, "IoU 0.667 < 0.7");
        assertEquals(2.0 / 3, v2.mean(), 1e-15);
        double[][] curve = v2.curves();
        assertEquals(1.0, curve[1][49], 0.0, "τ = 0.49: cut 124 < 127");
        assertEquals(0.0, curve[1][50], 0.0, "τ = 0.5: cut 127, the blob (127) is not above it");
    }
}
