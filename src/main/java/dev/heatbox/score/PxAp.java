package dev.heatbox.score;

import dev.heatbox.localize.WsolBoxes;

/**
 * Pixel average precision (PxAP) as wsolevaluation's MaskEvaluator computes it: histograms of
 * score-map values over ground-truth foreground (mask 1) and background (mask 0) pixels, with
 * bins [0, s), [s, 2s), …, [1 − s, 1), [1, 2), [2, 3]; pixels marked 255 (ignore) count for
 * neither. The area under the precision–recall curve is summed from the top bin down.
 */
public final class PxAp {
    private final double[] edges;
    private final double[] trueHist;
    private final double[] falseHist;

    public PxAp(double step) {
        double[] t = WsolBoxes.thresholds(step);
        edges = new double[t.length + 3];
        System.arraycopy(t, 0, edges, 0, t.length);
        edges[t.length] = 1.0;
        edges[t.length + 1] = 2.0;
        edges[t.length + 2] = 3.0;
        trueHist = new double[edges.length - 1];
        falseHist = new double[edges.length - 1];
    }

    /** @param mask per pixel 1 (object), 0 (background) or 255 (ignored), same size as the map */
    public void accumulate(float[] map, byte[] mask) {
        if (map.length != mask.length) {
            throw new IllegalArgumentException("score map and mask differ in size");
        }
        for (int i = 0; i < map.length; i++) {
            double v = map[i];
            if (Double.isNaN(v) || v < 0 || v > 1) {
                throw new IllegalArgumentException("score map values must lie in [0, 1], found " + v);
            }
            int m = mask[i] & 0xff;
            if (m == 1) {
                trueHist[bin(v)]++;
            } else if (m == 0) {
                falseHist[bin(v)]++;
            }
        }
    }

    /** np.histogram's rule: [e_i, e_{i+1}), the last bin closed. */
    private int bin(double v) {
        int lo = 0;
        int hi = edges.length - 1;
        if (v >= edges[hi]) {
            return hi - 1;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** PxAP as a fraction in [0, 1]. */
    public double compute() {
        int n = trueHist.length;
        double numTrue = 0;
        double numFalse = 0;
        for (int i = 0; i < n; i++) {
            numTrue += trueHist[i];
            numFalse += falseHist[i];
        }
        double[] tp = new double[n];
        double[] fp = new double[n];
        double ct = 0;
        double cf = 0;
        for (int j = 0; j < n; j++) {
            ct += trueHist[n - 1 - j];
            cf += falseHist[n - 1 - j];
            tp[j] = ct;
            fp[j] = cf;
        }
        if (numTrue <= 0) {
            throw new IllegalStateException("no positive ground-truth pixel in the evaluation set");
        }
        if (tp[n - 1] + fp[n - 1] <= 0) {
            throw new IllegalStateException("no positive prediction in the evaluation set");
        }
        double auc = 0;
        for (int j = 1; j < n; j++) {
            if (tp[j] + fp[j] != 0) {
                double precision = tp[j] / (tp[j] + fp[j]);
                double recallJ = tp[j] / numTrue;
                double recallPrev = tp[j - 1] / numTrue;
                auc += precision * (recallJ - recallPrev);
            }
        }
        return auc;
    }
}
