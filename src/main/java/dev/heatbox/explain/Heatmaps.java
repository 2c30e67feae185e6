package dev.heatbox.explain;

import dev.heatbox.util.Cv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Post-processing shared by every method: bilinear upsampling, min-max normalization, mirroring for TTA. */
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

    /** Pearson correlation of two maps of the same size; 0 when either is constant. */
    public static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    /** The image mirrored left-right: each of {@code channels} planes of h×w, columns reversed. */
    public static float[] mirror(float[] chw, int channels, int h, int w) {
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    out[row + x] = chw[row + w - 1 - x];
                }
            }
        }
        return out;
    }

    /** Each CHW input resized plane by plane (bilinear) to newH×newW: an enlarged TTA view. */
    public static List<float[]> resizeInputs(List<float[]> inputs, int channels, int h, int w, int newH, int newW) {
        List<float[]> out = new ArrayList<>(inputs.size());
        int plane = h * w;
        for (float[] x : inputs) {
            float[] y = new float[channels * newH * newW];
            for (int c = 0; c < channels; c++) {
                float[] p = resize(Arrays.copyOfRange(x, c * plane, (c + 1) * plane), h, w, newH, newW);
                System.arraycopy(p, 0, y, c * newH * newW, p.length);
            }
            out.add(y);
        }
        return out;
    }

    public static List<float[]> mirrorInputs(List<float[]> inputs, int channels, int h, int w) {
        List<float[]> out = new ArrayList<>(inputs.size());
        inputs.forEach(x -> out.add(mirror(x, channels, h, w)));
        return out;
    }
}
