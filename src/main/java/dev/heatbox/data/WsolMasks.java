package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Ground-truth masks for PxAP, built as wsolevaluation builds them: every instance mask and the
 * ignore-box mask are read grey, resized (nearest neighbour) to the score map's size and taken
 * where &gt; 0.5; the result is 1 on any instance, 255 on the ignore boxes outside the instances, 0
 * elsewhere.
 */
public final class WsolMasks {
    private WsolMasks() {}

    public static byte[] load(Path root, List<String> maskPaths, String ignorePath, int width, int height) {
        byte[] out = new byte[width * height];
        for (String p : maskPaths) {
            boolean[] m = binary(SafePaths.inside(root, p, root), width, height);
            for (int i = 0; i < out.length; i++) {
                if (m[i]) {
                    out[i] = 1;
                }
            }
        }
        if (ignorePath != null) {
            boolean[] ig = binary(SafePaths.inside(root, ignorePath, root), width, height);
            for (int i = 0; i < out.length; i++) {
                if (ig[i] && out[i] == 0) {
                    out[i] = (byte) 255;
                }
            }
        }
        return out;
    }

    private static boolean[] binary(Path file, int width, int height) {
        Mat m = Cv.read(file, true);
        Mat r = new Mat();
        Imgproc.resize(m, r, new Size(width, height), 0, 0, Imgproc.INTER_NEAREST);
        byte[] px = new byte[width * height];
        r.get(0, 0, px);
        boolean[] b = new boolean[px.length];
        for (int i = 0; i < px.length; i++) {
            b[i] = (px[i] & 0xff) > 0;
        }
        if (r.rows() != height || r.cols() != width) {
            throw BadInputException.of(file, "mask could not be resized");
        }
        return b;
    }
}
