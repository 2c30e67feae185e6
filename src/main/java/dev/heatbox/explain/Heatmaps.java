package dev.heatbox.explain;

import dev.heatbox.util.Cv;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Post-processing shared by every method: bilinear upsampling and min-max normalization. */
public final class Heatmaps {
    private Heatmaps() {}

    /** Bilinear resize (half-pixel centres, as OpenCV and PyTorch's align_corners=False do). */
    public static float[] resize(float[] map, int h, int w, int newH, int newW) {
        if (h == newH && w == newW) {
            return map.clone();
        }
        Cv.load();
        Mat src = new Mat(h, w, CvType.CV_32FC1);
        src.put(0, 0, map);
        Mat dst = new Mat();
        Imgproc.resize(src, dst, new Size(newW, newH), 0, 0, Imgproc.INTER_LINEAR);
        float[] out = new float[newH * newW];
        dst.get(0, 0, out);
        return out;
    }

    /** (m − min) / (max − min) in place; a constant map becomes all zeros. */
    public static float[] minMaxNormalize(float[] m) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : m) {
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("heatmap contains NaN");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        for (int i = 0; i < m.length; i++) {
            m[i] = range > 0 ? (m[i] - min) / range : 0f;
        }
        return m;
    }
}
