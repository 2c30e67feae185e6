package dev.heatbox.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heatbox.export.LabeledImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed labelled run keeps what the labels said and what the model guessed, not only the boxes. */
class JournalTest {
    @Test
    void givenLabelsSurviveTheJournal(@TempDir Path tmp) {
        Path f = tmp.resolve("j.jsonl");
        LabeledImage.Given g = new LabeledImage.Given(List.of("cat", "bird"), "tabby", 0.61, 0.004);
        LabeledImage a = new LabeledImage(1, "a.jpg", 640, 480, 3,
                List.of(new LabeledImage.Detection(17, "cat", new double[] {1, 2, 30, 40}, 0.5, "gradcam")), g);
        LabeledImage b = new LabeledImage(2, "b.jpg", 64, 48, 3, List.of());
        try (Journal j = Journal.start(f, "settings")) {
            j.record(List.of(a, b));
        }
        Map<String, LabeledImage> back = Journal.read(f, "settings");
        assertEquals(g, back.get("a.jpg").given());
        assertEquals(true, back.get("a.jpg").given().doubtful());
        assertNull(back.get("b.jpg").given(), "an image of a run without labels has none");
        assertEquals(17, back.get("a.jpg").detections().get(0).categoryId());
    }
}
