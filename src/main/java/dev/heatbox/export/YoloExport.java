package dev.heatbox.export;

import dev.heatbox.data.Coco;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * YOLO labels: one {@code <stem>.txt} per image with {@code class cx cy w h} normalised to the
 * image size (6 decimals), class = the category's line in {@code classes.txt} (categories in id order).
 */
public final class YoloExport {
    private YoloExport() {}

    public static void writeAll(Path dir, List<LabeledImage> images, List<Coco.Category> categories) {
        List<Coco.Category> sorted = new ArrayList<>(categories);
        sorted.sort((a, b) -> Long.compare(a.id, b.id));
        Map<Long, Integer> line = new HashMap<>();
        StringBuilder classes = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            line.put(sorted.get(i).id, i);
            classes.append(sorted.get(i).name).append('\n');
        }
        AtomicFiles.writeString(dir.resolve("classes.txt"), classes.toString());
        for (LabeledImage im : images) {
            StringBuilder s = new StringBuilder();
            for (LabeledImage.Detection d : im.detections()) {
                double[] b = d.bbox();
                s.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", line.get(d.categoryId()),
                        (b[0] + b[2] / 2) / im.width(), (b[1] + b[3] / 2) / im.height(), b[2] / im.width(), b[3] / im.height()));
            }
            AtomicFiles.writeString(dir.resolve(im.stem() + ".txt"), s.toString());
        }
    }

    /** One box read back: class line and COCO [x, y, w, h] in pixels of a w×h image. */
    public record Box(int cls, double[] bbox) {}

    public static List<Box> read(Path file, int width, int height) {
        List<Box> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length != 5) {
                throw BadInputException.of(file, "line " + (i + 1) + ": expected 'class cx cy w h'");
            }
            try {
                double cx = Double.parseDouble(f[1]) * width;
                double cy = Double.parseDouble(f[2]) * height;
                double w = Double.parseDouble(f[3]) * width;
                double h = Double.parseDouble(f[4]) * height;
                out.add(new Box(Integer.parseInt(f[0]), new double[] {cx - w / 2, cy - h / 2, w, h}));
            } catch (NumberFormatException e) {
                throw BadInputException.of(file, "line " + (i + 1) + ": not a number");
            }
        }
        return out;
    }
}
