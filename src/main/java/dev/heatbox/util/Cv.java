package dev.heatbox.util;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Loads OpenCV's Java bindings once, and reads/writes images with one-line errors. */
public final class Cv {
    private static volatile boolean loaded;

    private Cv() {}

    public static void load() {
        if (!loaded) {
            synchronized (Cv.class) {
                if (!loaded) {
                    Loader.load(org.bytedeco.opencv.opencv_java.class);
                    // Heatbox runs maps and images in parallel itself; OpenCV's own thread pool on top of
                    // that oversubscribes the cores (seen: box extraction 6x slower)
                    org.opencv.core.Core.setNumThreads(1);
                    loaded = true;
                }
            }
        }
    }

    /** Reads an image as 8-bit BGR (color) or grey; a missing, empty or corrupt file is bad input. */
    public static Mat read(Path file, boolean grey) {
        load();
        if (!Files.isRegularFile(file)) {
            throw BadInputException.of(file, "image file not found");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw BadInputException.of(file, "cannot read: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw BadInputException.of(file, "empty file, not an image");
        }
        Mat m = Imgcodecs.imdecode(new MatOfByte(bytes), grey ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR);
        if (m == null || m.empty()) {
            throw BadInputException.of(file, "not a readable image (corrupt or unsupported format)");
        }
        return m;
    }

    /** Writes PNG/JPEG (by extension) through a temp file and rename. */
    public static void write(Path file, Mat image) {
        load();
        String name = file.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.'));
        MatOfByte buf = new MatOfByte();
        if (!Imgcodecs.imencode(ext, image, buf)) {
            throw new IllegalStateException("cannot encode " + file);
        }
        AtomicFiles.writeBytes(file, buf.toArray());
    }
}
