package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heatbox.export.LabeledImage.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {
    static Detection d(long cat, double score, double x, double y, double w, double h) {
        return new Detection(cat, "c" + cat, new double[] {x, y, w, h}, score, "gradcam");
    }

    @Test
    void dropsTheWeakerOfTwoOverlappingBoxesOfACategoryAndKeepsTheOrder() {
        Detection weak = d(1, 0.3, 0, 0, 10, 10);
        Detection far = d(1, 0.2, 50, 50, 10, 10);
        Detection strong = d(1, 0.9, 1, 1, 10, 10); // IoU with weak = 81 / 119 = 0.68
        Detection otherCategory = d(2, 0.1, 0, 0, 10, 10);
        List<Detection> all = List.of(weak, far, strong, otherCategory);
        assertEquals(List.of(far, strong, otherCategory), Nms.suppress(all, 0.5));
        assertEquals(all, Nms.suppress(all, 0.7), "0.68 is not above 0.7: nothing dropped");
        assertEquals(List.of(strong), Nms.suppress(List.of(strong, d(1, 0.9, 0, 0, 11, 11)), 0.5),
                "equal scores: the first one stays");
    }
}
