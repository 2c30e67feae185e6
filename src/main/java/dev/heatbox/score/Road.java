package dev.heatbox.score;

import java.util.Random;

/**
 * ROAD's noisy linear imputation (Rong et al. 2022): every removed pixel takes the weighted mean of
 * its 8 neighbours (direct ones weight 1/6, diagonal ones 1/12, renormalized at the border), the
 * removed neighbours being unknowns too — a sparse linear system, solved here with Gauss–Seidel
 * sweeps — and then Gaussian noise is added, so the removal pattern cannot leak through sharp holes.
 */
public final class Road {
    private Road() {}

    /**
     * @param x       model-ready input [C·H·W], not changed
     * @param removed [H·W] true where the pixel is removed
     * @return the imputed copy
     */
    public static float[] impute(float[] x, int c, int h, int w, boolean[] removed, int sweeps, double noise, long seed) {
        float[] out = x.clone();
        int hw = h * w;
        int[] dy = {-1, -1, -1, 0, 0, 1, 1, 1};
        int[] dx = {-1, 0, 1, -1, 1, -1, 0, 1};
        double[] wt = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 12.0};
        Random rng = new Random(seed);
        for (int ch = 0; ch < c; ch++) {
            int base = ch * hw;
            // start the unknowns at the channel mean of the kept pixels
            double sum = 0;
            int kept = 0;
            for (int p = 0; p < hw; p++) {
                if (!removed[p]) {
                    sum += x[base + p];
                    kept++;
                }
            }
            float mean = kept > 0 ? (float) (sum / kept) : 0f;
            for (int p = 0; p < hw; p++) {
                if (removed[p]) {
                    out[base + p] = mean;
                }
            }
            for (int s = 0; s < sweeps; s++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int p = y * w + xx;
                        if (!removed[p]) {
                            continue;
                        }
                        double num = 0;
                        double den = 0;
                        for (int k = 0; k < 8; k++) {
                            int yy = y + dy[k];
                            int x2 = xx + dx[k];
                            if (yy >= 0 && yy < h && x2 >= 0 && x2 < w) {
                                num += wt[k] * out[base + yy * w + x2];
                                den += wt[k];
                            }
                        }
                        out[base + p] = (float) (num / den);
                    }
                }
            }
            for (int p = 0; p < hw; p++) {
                if (removed[p]) {
                    out[base + p] += (float) (noise * rng.nextGaussian());
                }
            }
        }
        return out;
    }
}
