package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020): the feature map's projection on its first principal
 * component, per image: A as an (h·w) × K matrix, columns centred, its top right-singular vector v
 * (power iteration on AᵀA), map = A·v. No gradient and no class: it shows what the layer holds most,
 * for any target. A singular vector's sign is arbitrary; it is chosen so that the map correlates
 * positively with the channel-summed activation (where the layer fires is "on").
 */
public final class EigenCam implements Method {
    static final int ITERATIONS = 50;

    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "eigencam";
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray a = ctx.features();
        Shape s = a.getShape();
        int n = (int) s.get(0);
        int k = (int) s.get(1);
        int hw = (int) (s.get(2) * s.get(3));
        float[] all = a.toFloatArray();
        float[] out = new float[n * hw];
        for (int i = 0; i < n; i++) {
            float[] m = project(all, i * k * hw, k, hw);
            System.arraycopy(m, 0, out, i * hw, hw);
        }
        return a.getManager().create(out, new Shape(n, s.get(2), s.get(3)));
    }

    /** One image's channels [K][h·w] starting at {@code off}: the first principal component's scores per position. */
    static float[] project(float[] x, int off, int k, int hw) {
        double[][] c = new double[k][hw]; // centred columns: channel c's values over positions, minus their mean
        for (int ch = 0; ch < k; ch++) {
            double mean = 0;
            for (int p = 0; p < hw; p++) {
                mean += x[off + ch * hw + p];
            }
            mean /= hw;
            for (int p = 0; p < hw; p++) {
                c[ch][p] = x[off + ch * hw + p] - mean;
            }
        }
        double[] v = new double[k];
        Arrays.fill(v, 1 / Math.sqrt(k));
        double[] u = new double[hw];
        for (int it = 0; it < ITERATIONS; it++) {
            Arrays.fill(u, 0);
            for (int ch = 0; ch < k; ch++) { // u = A v
                for (int p = 0; p < hw; p++) {
                    u[p] += c[ch][p] * v[ch];
                }
            }
            double norm = 0;
            for (int ch = 0; ch < k; ch++) { // v = Aᵀ u, normalized
                double d = 0;
                for (int p = 0; p < hw; p++) {
                    d += c[ch][p] * u[p];
                }
                v[ch] = d;
                norm += d * d;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return new float[hw]; // a constant feature map has no direction
            }
            for (int ch = 0; ch < k; ch++) {
                v[ch] /= norm;
            }
        }
        float[] map = new float[hw];
        double agree = 0;
        for (int p = 0; p < hw; p++) {
            double score = 0;
            double sum = 0;
            for (int ch = 0; ch < k; ch++) {
                score += c[ch][p] * v[ch];
                sum += c[ch][p];
            }
            map[p] = (float) score;
            agree += score * sum;
        }
        if (agree < 0) {
            for (int p = 0; p < hw; p++) {
                map[p] = -map[p];
            }
        }
        return map;
    }
}
