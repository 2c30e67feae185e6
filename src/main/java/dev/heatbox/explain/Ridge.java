package dev.heatbox.explain;

import dev.heatbox.util.Cv;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Weighted ridge regression with an unpenalized intercept (as scikit-learn's Ridge, LIME's
 * default explainer): minimizes Σ_i w_i (y_i − b − x_i·β)² + α |β|², solved from the normal
 * equations with OpenCV's {@code Core.solve} (Cholesky, SVD as the fallback).
 */
public final class Ridge {
    private Ridge() {}

    /** @return {intercept, β_1 … β_k} */
    public static double[] fit(double[][] x, double[] y, double[] w, double alpha) {
        Cv.load();
        int n = x.length;
        int k = x[0].length;
        int d = k + 1;
        double[] a = new double[d * d];
        double[] b = new double[d];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            row[0] = 1;
            System.arraycopy(x[i], 0, row, 1, k);
            for (int p = 0; p < d; p++) {
                b[p] += w[i] * row[p] * y[i];
                for (int q = 0; q < d; q++) {
                    a[p * d + q] += w[i] * row[p] * row[q];
                }
            }
        }
        for (int p = 1; p < d; p++) {
            a[p * d + p] += alpha;
        }
        Mat am = new Mat(d, d, CvType.CV_64F);
        am.put(0, 0, a);
        Mat bm = new Mat(d, 1, CvType.CV_64F);
        bm.put(0, 0, b);
        Mat sol = new Mat();
        if (!Core.solve(am, bm, sol, Core.DECOMP_CHOLESKY)) {
            Core.solve(am, bm, sol, Core.DECOMP_SVD);
        }
        double[] out = new double[d];
        sol.get(0, 0, out);
        return out;
    }
}
