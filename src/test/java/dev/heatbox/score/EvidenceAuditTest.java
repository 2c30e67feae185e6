package dev.heatbox.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.data.PixelBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceAuditTest {
    static final List<PixelBox> BOX = List.of(new PixelBox(2, 2, 5, 5)); // 16 of 100 pixels

    @Test
    void allMassInsideIsOne() {
        float[] m = new float[100];
        m[3 * 10 + 3] = 1f;
        m[4 * 10 + 5] = 0.5f;
        EvidenceAudit.ImageScore s = EvidenceAudit.score("a", "c", m, 10, 10, BOX, new PixelBox(3, 3, 5, 4));
        assertEquals(1.0, s.energyInBox(), 1e-12);
        assertTrue(s.pointingHit());
        assertEquals(0.16, s.boxAreaShare(), 1e-12);
        assertEquals(0.0, s.outsideBoxArea(), 1e-12);
    }

    @Test
    void uniformMapGetsTheBoxAreaShare() {
        float[] m = new float[100];
        java.util.Arrays.fill(m, 0.3f);
        EvidenceAudit.ImageScore s = EvidenceAudit.score("a", "c", m, 10, 10, BOX, new PixelBox(0, 0, 9, 9));
        assertEquals(0.16, s.energyInBox(), 1e-6);
        assertEquals(0.84, s.outsideBoxArea(), 1e-12);
        assertFalse(s.pointingHit(), "the first maximum (pixel 0) is outside the box");
    }

    @Test
    void overlappingBoxesCountOnce() {
        float[] m = new float[100];
        java.util.Arrays.fill(m, 1f);
        EvidenceAudit.ImageScore s = EvidenceAudit.score("a", "c", m, 10, 10,
                List.of(new PixelBox(0, 0, 4, 4), new PixelBox(2, 2, 6, 6)), null);
        assertEquals((25 + 25 - 9) / 100.0, s.boxAreaShare(), 1e-12);
        assertEquals(s.boxAreaShare(), s.energyInBox(), 1e-6);
    }

    @Test
    void flagRuleOnConstructedCases() {
        // a uniform map on a small object: lift 1, most evidence outside -> flagged
        assertTrue(EvidenceAudit.flag(0.16, 0.16));
        // small object, 40% of the energy on it: 2.5 times a uniform map, but most is outside -> flagged
        assertTrue(EvidenceAudit.flag(0.40, 0.16));
        // small object with 60% of the energy on it -> not flagged
        assertFalse(EvidenceAudit.flag(0.60, 0.16));
        // a large object (60% of the image) with 55% of the energy: the majority is on it -> not flagged
        assertFalse(EvidenceAudit.flag(0.55, 0.60));
        // a large object with 45%: below its share and below half -> flagged
        assertTrue(EvidenceAudit.flag(0.45, 0.60));

        EvidenceAudit a = new EvidenceAudit();
        float[] inside = new float[100];
        inside[33] = 1f;
        float[] uniform = new float[100];
        java.util.Arrays.fill(uniform, 1f);
        a.accumulate(EvidenceAudit.score("1", "good", inside, 10, 10, BOX, null));
        a.accumulate(EvidenceAudit.score("2", "bad", uniform, 10, 10, BOX, null));
        assertFalse(a.perClass().get("good").flagged());
        assertTrue(a.perClass().get("bad").flagged());
        assertEquals(2, a.overall().images());
        assertEquals((1.0 + 0.16) / 2, a.overall().energyInBox(), 1e-6);
    }
}
