package dev.heatbox.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.SplitModel;

/**
 * Faithfulness of a heatmap to the model, no boxes needed. Per image, with the target's softmax
 * probability p(·):
 * <ul>
 *   <li>Average Drop / Increase in Confidence (Chattopadhay et al., Grad-CAM++): keep the image where
 *       the map is high, x ⊙ M (M in [0, 1]; 0 is the baseline, the mean colour after normalization);
 *       drop = max(0, p(x) − p(x⊙M)) / p(x); increase = [p(x⊙M) &gt; p(x)];
 *   <li>deletion and insertion (Petsiuk et al., RISE): pixels removed from (or added to a blank
 *       image) in the order of the map, {@code steps} steps, the area under p along the curve
 *       (trapezoids over the removed/added fraction 0…1).
 * </ul>
 * Images are scored {@code batch} at a time; accumulate() and compute() as in wsolevaluation.
 */
public final class Faithfulness {
    private final SplitModel model;
    private final int steps;
    private final int batch;
    private double dropSum;
    private int increases;
    private double deletionSum;
    private double insertionSum;
    private final double[] deletionCurve;
    private final double[] insertionCurve;
    private int count;
    /** ROAD at removal percentiles 10 … 90, most- and least-relevant first; null when not asked for. */
    private final double[] roadMorf;
    private final double[] roadLerf;
    public static final int[] ROAD_PERCENTILES = {10, 20, 30, 40, 50, 60, 70, 80, 90};

    public Faithfulness(SplitModel model, int steps, int batch) {
        this(model, steps, batch, false);
    }

    public Faithfulness(SplitModel model, int steps, int batch, boolean road) {
        this.roadMorf = road ? new double[ROAD_PERCENTILES.length] : null;
        this.roadLerf = road ? new double[ROAD_PERCENTILES.length] : null;
        this.model = model;
        this.steps = steps;
        this.batch = Math.max(1, batch);
        this.deletionCurve = new double[steps + 1];
        this.insertionCurve = new double[steps + 1];
    }

    /** @param x model-ready input [C·H·W]; map [H·W] in [0, 1] at the input size */
    public void accumulate(float[] x, float[] map, int target) {
        int c = model.input().channels();
        int h = model.input().height;
        int w = model.input().width;
        int hw = h * w;
        float[] kept = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                kept[ch * hw + p] = x[ch * hw + p] * map[p];
            }
        }
        float[] pk = probs(java.util.List.of(x, kept), target);
        double y = pk[0];
        double o = pk[1];
        dropSum += y > 0 ? Math.max(0, y - o) / y : 0;
        if (o > y) {
            increases++;
        }
        // pixel order: highest map value first (stable for ties)
        Integer[] order = new Integer[hw];
        for (int p = 0; p < hw; p++) {
            order[p] = p;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(map[b], map[a]));
        java.util.List<float[]> del = new java.util.ArrayList<>();
        java.util.List<float[]> ins = new java.util.ArrayList<>();
        for (int s = 0; s <= steps; s++) {
            int n = (int) Math.round((double) hw * s / steps);
            float[] d = x.clone();
            float[] in = new float[x.length];
            for (int k = 0; k < n; k++) {
                int p = order[k];
                for (int ch = 0; ch < c; ch++) {
                    d[ch * hw + p] = 0f;
                    in[ch * hw + p] = x[ch * hw + p];
                }
            }
            del.add(d);
            ins.add(in);
        }
        float[] pd = probs(del, target);
        float[] pi = probs(ins, target);
        if (roadMorf != null) {
            java.util.List<float[]> road = new java.util.ArrayList<>();
            for (int q : ROAD_PERCENTILES) {
                int n = (int) Math.round(hw * q / 100.0);
                boolean[] morf = new boolean[hw];
                boolean[] lerf = new boolean[hw];
                for (int k = 0; k < n; k++) {
                    morf[order[k]] = true;
                    lerf[order[hw - 1 - k]] = true;
                }
                road.add(Road.impute(x, c, h, w, morf, 100, 0.01, q));
                road.add(Road.impute(x, c, h, w, lerf, 100, 0.01, 1000 + q));
            }
            float[] pr = probs(road, target);
            for (int k = 0; k < ROAD_PERCENTILES.length; k++) {
                roadMorf[k] += pr[2 * k];
                roadLerf[k] += pr[2 * k + 1];
            }
        }
        deletionSum += auc(pd);
        insertionSum += auc(pi);
        for (int s = 0; s <= steps; s++) {
            deletionCurve[s] += pd[s];
            insertionCurve[s] += pi[s];
        }
        count++;
    }

    private double auc(float[] curve) {
        double a = 0;
        for (int s = 1; s < curve.length; s++) {
            a += (curve[s - 1] + curve[s]) / 2.0 / steps;
        }
        return a;
    }

    private float[] probs(java.util.List<float[]> inputs, int target) {
        int c = model.input().channels();
        int h = model.input().height;
        int w = model.input().width;
        int per = c * h * w;
        float[] out = new float[inputs.size()];
        for (int s = 0; s < inputs.size(); s += batch) {
            int m = Math.min(batch, inputs.size() - s);
            float[] flat = new float[m * per];
            for (int j = 0; j < m; j++) {
                System.arraycopy(inputs.get(s + j), 0, flat, j * per, per);
            }
            try (NDManager sub = model.manager().newSubManager()) {
                NDArray p = model.scores(model.features(sub.create(flat, new Shape(m, c, h, w)))).softmax(1);
                float[] t = p.get(":, " + target).toFloatArray();
                System.arraycopy(t, 0, out, s, m);
            }
        }
        return out;
    }

    /**
     * roadMorf/roadLerf: mean target probability after removing the most / least relevant 10 … 90 %
     * of the pixels with ROAD's imputation (null without ROAD); lower MoRF and higher LeRF are better.
     */
    public record Result(int images, double averageDrop, double increaseInConfidence, double deletionAuc,
                         double insertionAuc, double[] deletionCurve, double[] insertionCurve, double[] roadMorf,
                         double[] roadLerf) {}

    public Result compute() {
        double n = Math.max(1, count);
        double[] dc = new double[steps + 1];
        double[] ic = new double[steps + 1];
        for (int s = 0; s <= steps; s++) {
            dc[s] = deletionCurve[s] / n;
            ic[s] = insertionCurve[s] / n;
        }
        double[] morf = null;
        double[] lerf = null;
        if (roadMorf != null) {
            morf = new double[ROAD_PERCENTILES.length];
            lerf = new double[ROAD_PERCENTILES.length];
            for (int k = 0; k < morf.length; k++) {
                morf[k] = roadMorf[k] / n;
                lerf[k] = roadLerf[k] / n;
            }
        }
        return new Result(count, dropSum / n, increases / n, deletionSum / n, insertionSum / n, dc, ic, morf, lerf);
    }
}
