package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;

/**
 * WSOL localization lists, the format of the public ImageNet/CUB box lists
 * ({@code <relative image path>,x0,y0,x1,y1}, one box a line, several lines per image). Boxes are
 * pixel corners as wsolevaluation reads them. Image paths are resolved inside the list's folder
 * (or a given root) and must not leave it; image sizes are read from the images.
 */
public final class WsolList {
    private WsolList() {}

    public static Coco.Dataset read(Path list, Path imageRoot) {
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (IOException e) {
            throw BadInputException.of(list, "cannot read: " + e.getMessage());
        }
        Path root = imageRoot != null ? imageRoot : list.toAbsolutePath().getParent();
        Coco.Dataset d = new Coco.Dataset();
        d.categories.add(new Coco.Category(1, "object"));
        Map<String, Coco.Image> images = new LinkedHashMap<>();
        long ann = 1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 5) {
                throw BadInputException.of(list, "line " + (i + 1) + ": expected <path>,x0,y0,x1,y1, found '" + line + "'");
            }
            int[] c = new int[4];
            for (int k = 0; k < 4; k++) {
                try {
                    c[k] = (int) Double.parseDouble(f[k + 1].trim());
                } catch (NumberFormatException e) {
                    throw BadInputException.of(list, "line " + (i + 1) + ": coordinate '" + f[k + 1] + "' is not a number");
                }
            }
            if (c[2] < c[0] || c[3] < c[1]) {
                throw BadInputException.of(list, "line " + (i + 1) + ": x1 < x0 or y1 < y0");
            }
            String rel = f[0].trim();
            Coco.Image im = images.get(rel);
            if (im == null) {
                Path p = SafePaths.inside(root, rel, list);
                Mat m = Cv.read(p, false);
                im = new Coco.Image(images.size() + 1, rel, m.cols(), m.rows());
                images.put(rel, im);
                d.images.add(im);
            }
            d.annotations.add(new Coco.Annotation(ann++, im.id, 1, new PixelBox(c[0], c[1], c[2], c[3]).toCoco()));
        }
        if (d.images.isEmpty()) {
            throw BadInputException.of(list, "no boxes in the list");
        }
        return d;
    }
}
