package dev.heatbox.score;

import dev.heatbox.data.PixelBox;
import dev.heatbox.localize.WsolBoxes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * BoxAcc(τ, δ) over a τ grid, and its maximum over τ, as wsolevaluation's BoxEvaluator computes
 * them (Choe et al., "Evaluating Weakly Supervised Object Localization Methods Right", 2020):
 * <ul>
 *   <li>MaxBoxAcc: the largest contour's box, δ = 0.5;
 *   <li>MaxBoxAccV2: every contour's box (the best one counts), δ ∈ {0.3, 0.5, 0.7}, each maximised
 *       over τ separately, then averaged.
 * </ul>
 * A map counts as correct at τ when the best IoU of its boxes with any ground-truth box is ≥ δ.
 */
public final class MaxBoxAcc {
    private final double[] taus;
    private final double[] deltas;
    private final boolean allContours;
    private final long[][] correct;
    private long count;
    /** Which (δ, τ) each image got right, bit d·|τ| + t, in accumulation order (for resampling). */
    private final List<BitSet> perImage = new ArrayList<>();

    /** MaxBoxAcc (version 1). */
    public static MaxBoxAcc v1(double step) {
        return new MaxBoxAcc(WsolBoxes.thresholds(step), new double[] {50 / 100.0}, false);
    }

    /** MaxBoxAccV2. */
    public static MaxBoxAcc v2(double step) {
        return new MaxBoxAcc(WsolBoxes.thresholds(step), new double[] {30 / 100.0, 50 / 100.0, 70 / 100.0}, true);
    }

    public MaxBoxAcc(double[] taus, double[] deltas, boolean allContours) {
        this.taus = taus;
        this.deltas = deltas;
        this.allContours = allContours;
        this.correct = new long[deltas.length][taus.length];
    }

    /** One score map (values in [0, 1]) and its ground-truth boxes at the map's resolution. */
    public void accumulate(float[] map, int height, int width, List<PixelBox> gtBoxes) {
        WsolBoxes wb = new WsolBoxes(map, height, width);
        BitSet bits = new BitSet(deltas.length * taus.length);
        if (allContours) {
            // every contour's box counts: one union-find sweep gives the best IoU at all 256 cuts
            double[] byCut = wb.bestIouAllContours(gtBoxes);
            for (int t = 0; t < taus.length; t++) {
                double best = byCut[wb.cut(taus[t])];
                hit(bits, t, best);
            }
            keep(bits);
            return;
        }
        List<List<PixelBox>> boxes = wb.sweep(taus, false);
        List<PixelBox> previous = null;
        double best = 0;
        for (int t = 0; t < taus.length; t++) {
            List<PixelBox> bt = boxes.get(t);
            if (bt != previous) { // the sweep shares one list between thresholds with the same mask
                best = 0;
                for (PixelBox b : bt) {
                    for (PixelBox g : gtBoxes) {
                        best = Math.max(best, Iou.wsol(b, g));
                    }
                }
                previous = bt;
            }
            hit(bits, t, best);
        }
        keep(bits);
    }

    private void hit(BitSet bits, int t, double bestIou) {
        for (int d = 0; d < deltas.length; d++) {
            if (bestIou >= deltas[d]) {
                correct[d][t]++;
                bits.set(d * taus.length + t);
            }
        }
    }

    private void keep(BitSet bits) {
        perImage.add(bits);
        count++;
    }

    /**
     * The figure of {@link #mean()} on a resample of the accumulated images (indices, repeats
     * allowed), τ maximised again on it: what a bootstrap needs.
     */
    public double meanOf(int[] images) {
        int[][] c = new int[deltas.length][taus.length];
        for (int i : images) {
            BitSet b = perImage.get(i);
            for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                c[k / taus.length][k % taus.length]++;
            }
        }
        double s = 0;
        for (int[] row : c) {
            int m = 0;
            for (int v : row) {
                m = Math.max(m, v);
            }
            s += m / (double) images.length;
        }
        return s / deltas.length;
    }

    /**
     * Each image's score out of fold: images dealt round-robin into {@code folds} folds (in accumulation
     * order); for each fold and δ, τ is chosen on the other folds (the best BoxAcc, the lowest τ on a tie)
     * and the image counts 1 where its box at that τ hits, averaged over δ. The mean of this vector is the
     * figure a held-out photo can expect; a tuned τ's in-sample maximum is optimistic on a few images.
     */
    public double[] outOfFold(int folds) {
        int n = perImage.size();
        double[] out = new double[n];
        for (int f = 0; f < folds; f++) {
            int[][] c = new int[deltas.length][taus.length];
            for (int i = 0; i < n; i++) {
                if (i % folds != f) {
                    BitSet b = perImage.get(i);
                    for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                        c[k / taus.length][k % taus.length]++;
                    }
                }
            }
            for (int d = 0; d < deltas.length; d++) {
                int best = 0;
                for (int t = 1; t < taus.length; t++) {
                    best = c[d][t] > c[d][best] ? t : best;
                }
                for (int i = f; i < n; i += folds) {
                    out[i] += perImage.get(i).get(d * taus.length + best) ? 1.0 / deltas.length : 0;
                }
            }
        }
        return out;
    }

    /** BoxAcc(τ, δ) as fractions, [δ][τ]. */
    public double[][] curves() {
        double[][] c = new double[deltas.length][taus.length];
        for (int d = 0; d < deltas.length; d++) {
            for (int t = 0; t < taus.length; t++) {
                c[d][t] = count == 0 ? Double.NaN : correct[d][t] / (double) count;
            }
        }
        return c;
    }

    /** max over τ of BoxAcc(τ, δ), per δ, as fractions. */
    public double[] compute() {
        double[][] c = curves();
        double[] out = new double[deltas.length];
        for (int d = 0; d < deltas.length; d++) {
            double m = Double.NEGATIVE_INFINITY;
            for (double v : c[d]) {
                m = Math.max(m, v);
            }
            out[d] = m;
        }
        return out;
    }

    /** The mean over δ of {@link #compute()}: the MaxBoxAccV2 figure. */
    public double mean() {
        double s = 0;
        for (double v : compute()) {
            s += v;
        }
        return s / deltas.length;
    }

    public double[] taus() {
        return taus.clone();
    }

    public double[] deltas() {
        return deltas.clone();
    }

    public long count() {
        return count;
    }
}
