package dev.heatbox.score;

import java.util.Arrays;
import java.util.Random;

/**
 * A paired bootstrap of the difference between two maps' MaxBoxAcc figures on the same images
 * (Efron and Tibshirani, ch. 13; percentile interval): resample the images with replacement, score
 * both variants on the same resample (τ maximised again each time), and read the 2.5th and 97.5th
 * percentiles of the differences. On a small set this says whether a gain is more than a few images.
 */
public final class PairedBootstrap {
    /** The observed difference a − b and its 95 % interval. */
    public record Interval(double difference, double low, double high) {}

    private PairedBootstrap() {}

    public static Interval difference(MaxBoxAcc a, MaxBoxAcc b, int resamples, long seed) {
        int n = (int) a.count();
        if (n != b.count() || n == 0) {
            throw new IllegalArgumentException("a paired bootstrap needs both variants on the same images");
        }
        Random r = new Random(seed);
        double[] d = new double[resamples];
        int[] pick = new int[n];
        for (int k = 0; k < resamples; k++) {
            for (int i = 0; i < n; i++) {
                pick[i] = r.nextInt(n);
            }
            d[k] = a.meanOf(pick) - b.meanOf(pick);
        }
        Arrays.sort(d);
        return new Interval(a.mean() - b.mean(), d[(int) Math.floor(0.025 * (resamples - 1))],
                d[(int) Math.ceil(0.975 * (resamples - 1))]);
    }

    /**
     * The same for per-image scores already out of fold ({@link MaxBoxAcc#outOfFold}): the mean of
     * a − b over resamples of the images, nothing re-chosen.
     */
    public static Interval difference(double[] a, double[] b, int resamples, long seed) {
        int n = a.length;
        if (n != b.length || n == 0) {
            throw new IllegalArgumentException("a paired bootstrap needs both variants on the same images");
        }
        Random r = new Random(seed);
        double[] d = new double[resamples];
        double observed = 0;
        for (int i = 0; i < n; i++) {
            observed += (a[i] - b[i]) / n;
        }
        for (int k = 0; k < resamples; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n);
                s += a[j] - b[j];
            }
            d[k] = s / n;
        }
        Arrays.sort(d);
        return new Interval(observed, d[(int) Math.floor(0.025 * (resamples - 1))], d[(int) Math.ceil(0.975 * (resamples - 1))]);
    }
}
