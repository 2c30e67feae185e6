package dev.heatbox.export;

import dev.heatbox.data.PixelBox;
import dev.heatbox.data.VocXml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PASCAL VOC XML per image (LabelImg / CVAT "PASCAL VOC 1.1"): 1-based inclusive pixel boxes by
 * the rule xmin = round(x)+1, ymin = round(y)+1, xmax = round(x+w), ymax = round(y+h), and a
 * {@code <score>} per object that tools ignore and {@code heatbox eval} reads.
 */
public final class VocExport {
    private VocExport() {}

    public static void write(Path dir, LabeledImage im) {
        List<VocXml.VocObject> objects = new ArrayList<>();
        for (LabeledImage.Detection d : im.detections()) {
            objects.add(VocXml.VocObject.of(d.categoryName(), PixelBox.fromCoco(d.bbox()), false, d.score()));
        }
        VocXml.write(dir.resolve(im.stem() + ".xml"),
                new VocXml.Annotation(im.fileName(), im.width(), im.height(), im.depth(), objects));
    }

    public static void writeAll(Path dir, List<LabeledImage> images) {
        for (LabeledImage im : images) {
            write(dir, im);
        }
    }
}
