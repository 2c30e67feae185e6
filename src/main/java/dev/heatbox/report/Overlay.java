package dev.heatbox.report;

import dev.heatbox.data.PixelBox;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** A heatmap blended over its image (JET colours), with predicted (green) and ground-truth (red) boxes. */
public final class Overlay {
    public static final Scalar PREDICTED = new Scalar(0, 255, 0);
    public static final Scalar GROUND_TRUTH = new Scalar(0, 0, 255);

    private Overlay() {}

    /**
     * @param image  the original image (8-bit grey or BGR)
     * @param map    heatmap in [0, 1] at mapH×mapW, stretched to the image
     * @param pred   predicted boxes in original pixels
     * @param gt     ground-truth boxes in original pixels
     * @param minSide the overlay is enlarged (nearest neighbour) until its shorter side is at least this
     */
    public static Mat render(Mat image, float[] map, int mapH, int mapW, List<PixelBox> pred, List<PixelBox> gt,
                             int minSide) {
        Cv.load();
        Mat bgr = new Mat();
        if (image.channels() == 1) {
            Imgproc.cvtColor(image, bgr, Imgproc.COLOR_GRAY2BGR);
        } else {
            bgr = image.clone();
        }
        Mat heat8 = new Mat(mapH, mapW, CvType.CV_8UC1);
        byte[] b = new byte[map.length];
        for (int i = 0; i < map.length; i++) {
            b[i] = (byte) Math.round(Math.max(0, Math.min(1, map[i])) * 255);
        }
        heat8.put(0, 0, b);
        Mat heatBig = new Mat();
        Imgproc.resize(heat8, heatBig, new Size(bgr.cols(), bgr.rows()), 0, 0, Imgproc.INTER_LINEAR);
        Mat colour = new Mat();
        Imgproc.applyColorMap(heatBig, colour, Imgproc.COLORMAP_JET);
        Mat out = new Mat();
        Core.addWeighted(bgr, 0.5, colour, 0.5, 0, out);
        double f = Math.max(1, Math.ceil((double) minSide / Math.min(out.rows(), out.cols())));
        if (f > 1) {
            Mat big = new Mat();
            Imgproc.resize(out, big, new Size(out.cols() * f, out.rows() * f), 0, 0, Imgproc.INTER_NEAREST);
            out = big;
        }
        int t = Math.max(1, (int) Math.round(Math.min(out.rows(), out.cols()) / 150.0));
        for (PixelBox g : gt) {
            rect(out, g, f, GROUND_TRUTH, t);
        }
        for (PixelBox p : pred) {
            rect(out, p, f, PREDICTED, t);
        }
        return out;
    }

    private static void rect(Mat m, PixelBox b, double f, Scalar c, int t) {
        Imgproc.rectangle(m, new Point(b.x0() * f, b.y0() * f), new Point((b.x1() + 1) * f - 1, (b.y1() + 1) * f - 1), c, t);
    }

    public static void write(Path file, Mat overlay) {
        Cv.write(file, overlay);
    }
}
