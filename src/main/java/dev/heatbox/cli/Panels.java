package dev.heatbox.cli;

import dev.heatbox.data.ImageSources;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.Overlay;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** The side-by-side panel of --method all: input, then each method, read back from the files just written. */
final class Panels {
    private Panels() {}

    static void write(Path out, List<Path> files, List<String> methods, SplitModel m, int count, boolean several) {
        int h = m.input().height;
        int w = m.input().width;
        for (int k = 0; k < Math.min(count, files.size()); k++) {
            Path f = files.get(k);
            String stem = ImageSources.stem(f);
            if (several) {
                continue; // panels are for one target per image
            }
            Mat img = Cv.read(f, false);
            Mat input = new Mat();
            Imgproc.resize(img, input, new Size(w, h));
            List<Mat> tiles = new ArrayList<>();
            tiles.add(label(input, "input"));
            for (String meth : methods) {
                Path grad = out.resolve(meth).resolve("gradients").resolve(stem + ".npy");
                Mat tile;
                if (Files.exists(grad)) {
                    tile = gradientImage(Npy.readFloat32(grad));
                } else {
                    Npy.Array map = Npy.readFloat32(out.resolve(meth).resolve("heatmaps").resolve(stem + ".npy"));
                    tile = Overlay.render(input, map.data(), map.shape()[0], map.shape()[1], List.of(), List.of(), 1);
                }
                tiles.add(label(tile, meth));
            }
            Mat panel = new Mat();
            Core.hconcat(tiles, panel);
            Cv.write(out.resolve("panels").resolve(stem + ".png"), panel);
        }
    }

    /**
     * A signed gradient [C, H, W] as the papers show it: 0.5 + 0.5·g / s on grey, s the 99.5th
     * percentile of |g| (a few extreme values would otherwise leave everything else grey).
     */
    static Mat gradientImage(Npy.Array g) {
        int c = g.shape()[0];
        int h = g.shape()[1];
        int w = g.shape()[2];
        float[] abs = new float[g.data().length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(g.data()[i]);
        }
        java.util.Arrays.sort(abs);
        float max = Math.max(1e-12f, abs[(int) Math.min(abs.length - 1, Math.floor(abs.length * 0.995))]);
        byte[] px = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    int src = c == 3 ? 2 - ch : 0; // RGB planes to BGR pixels
                    float v = g.data()[src * h * w + y * w + x];
                    px[(y * w + x) * 3 + ch] = (byte) Math.round(255 * Math.max(0, Math.min(1, 0.5 + 0.5 * v / max)));
                }
            }
        }
        Mat m = new Mat(h, w, CvType.CV_8UC3);
        m.put(0, 0, px);
        return m;
    }

    private static Mat label(Mat tile, String text) {
        Mat t = new Mat();
        if (tile.channels() == 1) {
            Imgproc.cvtColor(tile, t, Imgproc.COLOR_GRAY2BGR);
        } else {
            t = tile.clone();
        }
        Imgproc.putText(t, text, new Point(4, 14), Imgproc.FONT_HERSHEY_SIMPLEX, 0.45, new Scalar(255, 255, 255), 1);
        return t;
    }
}
