package dev.heatbox.localize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.data.PixelBox;
import dev.heatbox.score.Iou;
import dev.heatbox.util.Cv;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** GrabCut seeded from a coarse map tightens the map's box to a drawn rectangle. */
class GrabCutRefineTest {
    @Test
    void aWideBlobsBoxShrinksToTheRectangleUnderIt() {
        Cv.load();
        int h = 112;
        int w = 112;
        // a noisy grey photo with a red rectangle at x 40..71, y 30..59
        Mat image = new Mat(h * 3, w * 3, CvType.CV_8UC3, new Scalar(128, 128, 128));
        Random r = new Random(3);
        byte[] px = new byte[image.rows() * image.cols() * 3];
        image.get(0, 0, px);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (118 + r.nextInt(21));
        }
        image.put(0, 0, px);
        Imgproc.rectangle(image, new Point(40 * 3, 30 * 3), new Point(72 * 3 - 1, 60 * 3 - 1), new Scalar(30, 30, 220), -1);
        PixelBox object = new PixelBox(40, 30, 71, 59);
        // a CAM-like blob centred on it but twice as wide: its 0.2·max box overshoots
        float[] map = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x - 55.5) / 22;
                double dy = (y - 44.5) / 18;
                map[y * w + x] = (float) Math.exp(-(dx * dx + dy * dy));
            }
        }
        PixelBox coarse = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST).extract(map, h, w).get(0).box();
        PixelBox refined = GrabCutRefine.refine(image, map, h, w, coarse);
        double before = Iou.wsol(coarse, object);
        double after = Iou.wsol(refined, object);
        assertTrue(before < 0.6, "the map's own box overshoots: IoU " + before + " " + coarse);
        assertTrue(after > 0.9, "GrabCut's box fits the rectangle: IoU " + after + " " + refined);
    }

    @Test
    void aBoxThatFillsTheImageIsKeptAsItIs() {
        Cv.load();
        Mat image = new Mat(64, 64, CvType.CV_8UC3, new Scalar(90, 120, 200));
        float[] map = new float[64 * 64];
        java.util.Arrays.fill(map, 1f);
        PixelBox all = new PixelBox(0, 0, 63, 63);
        assertTrue(all.equals(GrabCutRefine.refine(image, map, 64, 64, all)));
    }
}
