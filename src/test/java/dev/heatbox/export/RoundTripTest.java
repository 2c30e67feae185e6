package dev.heatbox.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import dev.heatbox.data.PixelBox;
import dev.heatbox.data.VocXml;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each writer writes, the readers read back to the same boxes within the format's rounding. */
class RoundTripTest {
    static final List<Coco.Category> CATS = List.of(new Coco.Category(3, "car"), new Coco.Category(18, "dog"));
    static final List<LabeledImage> IMAGES = List.of(
            new LabeledImage(7, "a.jpg", 640, 480, 3, List.of(
                    new LabeledImage.Detection(18, "dog", new double[] {10.25, 20.5, 100.75, 50.125}, 0.8125, "gradcam"),
                    new LabeledImage.Detection(3, "car", new double[] {300, 200, 40, 30}, 0.25, "gradcam"))),
            new LabeledImage(9, "b.png", 100, 80, 3, List.of()));

    @Test
    void coco(@TempDir Path tmp) {
        CocoExport.writeResults(tmp.resolve("r.json"), IMAGES);
        List<Coco.Result> r = CocoReader.readResults(tmp.resolve("r.json"));
        assertEquals(2, r.size());
        assertEquals(7, r.get(0).image_id);
        assertEquals(18, r.get(0).category_id);
        assertEquals(0.8125, r.get(0).score, 1e-12);
        for (int k = 0; k < 4; k++) {
            assertEquals(IMAGES.get(0).detections().get(0).bbox()[k], r.get(0).bbox[k], 1e-3);
        }
        CocoExport.writeAnnotations(tmp.resolve("a.json"), IMAGES, CATS);
        Coco.Dataset d = CocoReader.readDataset(tmp.resolve("a.json"));
        assertEquals(2, d.images.size());
        assertEquals(2, d.annotations.size());
        assertEquals(1, d.annotations.get(0).id, "annotation ids start at 1");
        assertEquals(50.125 * 100.75, d.annotations.get(0).area, 1e-2);
        assertEquals(List.of(), d.annotations.get(0).segmentation == null ? List.of() : d.annotations.get(0).segmentation);
    }

    @Test
    void voc(@TempDir Path tmp) {
        VocExport.writeAll(tmp, IMAGES);
        VocXml.Annotation a = VocXml.read(tmp.resolve("a.xml"));
        assertEquals(640, a.width());
        assertEquals(2, a.objects().size());
        VocXml.VocObject o = a.objects().get(0);
        // xmin = round(x) + 1, ymin = round(y) + 1, xmax = round(x + w), ymax = round(y + h)
        assertEquals(11, o.xmin());
        assertEquals(22, o.ymin());
        assertEquals(111, o.xmax());
        assertEquals(71, o.ymax());
        assertEquals(0.8125, o.score(), 1e-6);
        double[] back = o.pixelBox().toCoco();
        double[] orig = IMAGES.get(0).detections().get(0).bbox();
        for (int k = 0; k < 4; k++) {
            assertEquals(orig[k], back[k], 1.0, "VOC rounds to whole pixels");
        }
        assertEquals(0, VocXml.read(tmp.resolve("b.xml")).objects().size());
    }

    @Test
    void yolo(@TempDir Path tmp) throws Exception {
        YoloExport.writeAll(tmp, IMAGES, CATS);
        assertEquals(List.of("car", "dog"), java.nio.file.Files.readAllLines(tmp.resolve("classes.txt")));
        List<YoloExport.Box> b = YoloExport.read(tmp.resolve("a.txt"), 640, 480);
        assertEquals(1, b.get(0).cls(), "dog is line 1 of classes.txt (categories in id order)");
        for (int k = 0; k < 4; k++) {
            assertEquals(IMAGES.get(0).detections().get(0).bbox()[k], b.get(0).bbox()[k], 1e-3);
        }
        assertEquals(0, YoloExport.read(tmp.resolve("b.txt"), 100, 80).size());
    }

    @Test
    void labelStudio(@TempDir Path tmp) {
        LabelStudioExport.write(tmp.resolve("t.json"), IMAGES, Map.of("a.jpg", "/data/a.jpg"));
        Map<String, List<Object[]>> back = LabelStudioExport.read(tmp.resolve("t.json"));
        List<Object[]> boxes = back.get("/data/a.jpg");
        assertEquals("dog", boxes.get(0)[0]);
        for (int k = 0; k < 4; k++) {
            assertEquals(IMAGES.get(0).detections().get(0).bbox()[k], (double) boxes.get(0)[k + 1], 1e-6);
        }
        assertEquals(0, back.get("b.png").size());
    }

    @Test
    void pixelBoxConversionIsTheDocumentedRule() {
        // round half up (Java Math.round): y = 20.5 gives pixel row 21, VOC ymin 22
        assertEquals(new PixelBox(10, 21, 110, 70), PixelBox.fromCoco(new double[] {10.25, 20.5, 100.75, 50.125}));
    }
}
