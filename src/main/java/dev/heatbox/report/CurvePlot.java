package dev.heatbox.report;

import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** A small line chart on [0, 1] × [0, 1] drawn with OpenCV (BoxAcc vs τ, deletion curves, …). */
public final class CurvePlot {
    private static final Scalar[] COLOURS = {new Scalar(200, 80, 30), new Scalar(40, 160, 40), new Scalar(30, 30, 210),
        new Scalar(160, 40, 160), new Scalar(20, 140, 200)};

    private CurvePlot() {}

    public record Series(String name, double[] x, double[] y) {}

    public static void write(Path file, String title, String xLabel, String yLabel, List<Series> series) {
        Cv.load();
        int w = 640;
        int h = 420;
        int left = 60;
        int right = 20;
        int top = 40;
        int bottom = 50;
        Mat img = new Mat(h, w, CvType.CV_8UC3, new Scalar(255, 255, 255));
        Scalar grey = new Scalar(200, 200, 200);
        Scalar black = new Scalar(0, 0, 0);
        int pw = w - left - right;
        int ph = h - top - bottom;
        for (int i = 0; i <= 10; i++) {
            int x = left + pw * i / 10;
            int y = top + ph * i / 10;
            Imgproc.line(img, new Point(x, top), new Point(x, top + ph), grey, 1);
            Imgproc.line(img, new Point(left, y), new Point(left + pw, y), grey, 1);
            String tick = String.format(Locale.ROOT, "%.1f", i / 10.0);
            Imgproc.putText(img, tick, new Point(x - 10, top + ph + 18), Imgproc.FONT_HERSHEY_SIMPLEX, 0.4, black, 1);
            Imgproc.putText(img, String.format(Locale.ROOT, "%.1f", 1 - i / 10.0), new Point(left - 32, y + 4),
                    Imgproc.FONT_HERSHEY_SIMPLEX, 0.4, black, 1);
        }
        Imgproc.rectangle(img, new Point(left, top), new Point(left + pw, top + ph), black, 1);
        Imgproc.putText(img, title, new Point(left, 25), Imgproc.FONT_HERSHEY_SIMPLEX, 0.6, black, 1);
        Imgproc.putText(img, xLabel, new Point(left + pw / 2 - 20, h - 12), Imgproc.FONT_HERSHEY_SIMPLEX, 0.5, black, 1);
        Imgproc.putText(img, yLabel, new Point(4, top - 8), Imgproc.FONT_HERSHEY_SIMPLEX, 0.5, black, 1);
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            Scalar c = COLOURS[s % COLOURS.length];
            for (int i = 1; i < se.x().length; i++) {
                Imgproc.line(img, point(se.x()[i - 1], se.y()[i - 1], left, top, pw, ph),
                        point(se.x()[i], se.y()[i], left, top, pw, ph), c, 2, Imgproc.LINE_AA);
            }
            int ly = top + 18 + 18 * s;
            Imgproc.line(img, new Point(left + pw - 150, ly - 4), new Point(left + pw - 125, ly - 4), c, 2);
            Imgproc.putText(img, se.name(), new Point(left + pw - 120, ly), Imgproc.FONT_HERSHEY_SIMPLEX, 0.45, black, 1);
        }
        Cv.write(file, img);
    }

    private static Point point(double x, double y, int left, int top, int pw, int ph) {
        double cy = Double.isNaN(y) ? 0 : Math.max(0, Math.min(1, y));
        return new Point(left + x * pw, top + (1 - cy) * ph);
    }
}
