package dev.heatbox.review;

import dev.heatbox.explain.Explanation;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.Cv;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The heatmaps a label run keeps for its review: {@code OUT/maps/<image id>.png}, the top class's
 * map at the model's map size as 8-bit grey (a few kB each), so {@code heatbox review} can show
 * the heatmap of any image without the model.
 */
public final class ReviewMaps {
    public static final String FOLDER = "maps";

    private ReviewMaps() {}

    public static Path file(Path out, long imageId) {
        return out.resolve(FOLDER).resolve(imageId + ".png");
    }

    /** Writes one image's map (temp file + rename). */
    public static void write(Path out, LabeledImage image, Explanation e) {
        Cv.load();
        byte[] b = new byte[e.map().length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(Math.max(0, Math.min(1, e.map()[i])) * 255);
        }
        Mat m = new Mat(e.height(), e.width(), CvType.CV_8UC1);
        m.put(0, 0, b);
        MatOfByte png = new MatOfByte();
        Imgcodecs.imencode(".png", m, png);
        AtomicFiles.writeBytes(file(out, image.imageId()), png.toArray());
    }

    /** A kept map: values in [0, 1] in steps of 1/255 (overlays quantize maps to these same 8 bits). */
    public record Stored(float[] map, int height, int width) {}

    /** The image's kept map, or null when the run kept none for it. */
    public static Stored read(Path out, long imageId) {
        Path f = file(out, imageId);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Cv.load();
        try {
            Mat m = Imgcodecs.imdecode(new MatOfByte(Files.readAllBytes(f)), Imgcodecs.IMREAD_GRAYSCALE);
            if (m.empty()) {
                return null;
            }
            byte[] b = new byte[m.rows() * m.cols()];
            m.get(0, 0, b);
            float[] v = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                v[i] = (b[i] & 0xff) / 255f;
            }
            return new Stored(v, m.rows(), m.cols());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
