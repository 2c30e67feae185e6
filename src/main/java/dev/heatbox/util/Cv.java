package dev.heatbox.util;

import org.bytedeco.javacpp.Loader;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

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

    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    /**
     * Reads an image as 8-bit BGR (color) or grey; a missing, empty or corrupt file is bad input.
     * The header's size is checked first, so an image over OpenCV's pixel limit is refused without
     * decoding. A damaged JPEG that OpenCV refuses (a few bytes missing at the end, say) is decoded
     * by the JDK's decoder, as PIL and OpenCV's own imread do: the missing part comes out grey, and
     * one warning per file says so.
     */
    public static Mat read(Path file, boolean grey) {
        load();
        if (!Files.isRegularFile(file)) {
            throw BadInputException.of(file, "image file not found");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw BadInputException.of(file, "empty file, not an image");
        }
        ImageHeader h = ImageHeader.read(bytes);
        if (h != null && h.pixels() > ImageHeader.MAX_PIXELS) {
            throw BadInputException.of(file, String.format(Locale.ROOT, "image too large: its %s header says %d×%d = %,d pixels,"
                    + " over the limit of %,d (OpenCV's CV_IO_MAX_IMAGE_PIXELS); not decoded", h.format(), h.width(), h.height(),
                    h.pixels(), ImageHeader.MAX_PIXELS));
        }
        Mat m;
        try {
            m = Imgcodecs.imdecode(new MatOfByte(bytes), grey ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR);
        } catch (CvException e) {
            m = null;
        }
        if (m == null || m.empty()) {
            m = h != null && h.format().equals("JPEG") ? damagedJpeg(bytes, grey) : null;
            if (m == null) {
                throw BadInputException.of(file, "not a readable image (corrupt or unsupported format)");
            }
            if (WARNED.add(file.toAbsolutePath().normalize())) {
                System.err.println("warning: " + file + ": damaged JPEG (OpenCV refused it); decoded the readable part,"
                        + " the rest is grey");
            }
        }
        return m;
    }

    /** The JDK's JPEG decoder, which finishes a cut-short file as libjpeg does (grey rows); null if it cannot. */
    private static Mat damagedJpeg(byte[] bytes, boolean grey) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (img == null) {
            return null;
        }
        BufferedImage bgr = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        Mat m = new Mat(img.getHeight(), img.getWidth(), CvType.CV_8UC3);
        m.put(0, 0, ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData());
        if (!grey) {
            return m;
        }
        Mat g1 = new Mat();
        Imgproc.cvtColor(m, g1, Imgproc.COLOR_BGR2GRAY);
        return g1;
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
