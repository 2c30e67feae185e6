package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.ximgproc.SuperpixelSLIC;
import org.opencv.ximgproc.Ximgproc;
import java.util.Random;

/**
 * LIME for images (Ribeiro et al. 2016): SLIC superpixels (OpenCV ximgproc) of the model input;
 * {@code samples} perturbed copies with random superpixels switched off (set to the baseline, 0
 * after normalization: the mean colour), the first copy the original; the target's probability on
 * each, scored {@code batch} at a time; an exponential kernel on the cosine distance of each
 * on/off vector to the original (width 0.25, as lime_image); a weighted ridge regression (α = 1)
 * whose coefficients, painted onto their superpixels, are the map. Costs one forward pass per
 * sample; deterministic under a seed.
 */
public final class Lime implements Method {
    private final int samples;
    private final int regionSize;
    private final float ruler;
    private final long seed;
    private final int batch;

    public Lime(int samples, int regionSize, float ruler, long seed, int batch) {
        this.samples = Math.max(2, samples);
        this.regionSize = regionSize;
        this.ruler = ruler;
        this.seed = seed;
        this.batch = Math.max(1, batch);
    }

    @Override
    public boolean blackBox() {
        return true;
    }

    @Override
    public String name() {
        return "lime";
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        SplitModel model = ctx.model();
        NDArray x = ctx.input();
        int n = (int) x.getShape().get(0);
        int c = (int) x.getShape().get(1);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        float[] all = x.toFloatArray();
        float[] out = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            float[] img = java.util.Arrays.copyOfRange(all, i * c * h * w, (i + 1) * c * h * w);
            int[] labels = superpixels(img, c, h, w);
            int k = 0;
            for (int l : labels) {
                k = Math.max(k, l + 1);
            }
            Random rng = new Random(seed);
            double[][] z = new double[samples][k];
            for (int s = 0; s < samples; s++) {
                for (int j = 0; j < k; j++) {
                    z[s][j] = s == 0 ? 1 : rng.nextInt(2);
                }
            }
            double[] y = new double[samples];
            for (int s = 0; s < samples; s += batch) {
                int m = Math.min(batch, samples - s);
                float[] masks = new float[m * h * w];
                for (int j = 0; j < m; j++) {
                    for (int p = 0; p < h * w; p++) {
                        masks[j * h * w + p] = (float) z[s + j][labels[p]];
                    }
                }
                try (NDManager sub = model.manager().newSubManager()) {
                    NDArray mk = sub.create(masks, new Shape(m, 1, h, w));
                    NDArray prob = model.scores(model.features(x.get(i).expandDims(0).mul(mk))).softmax(1);
                    float[] t = prob.get(":, " + ctx.targets()[i]).toFloatArray();
                    for (int j = 0; j < m; j++) {
                        y[s + j] = t[j];
                    }
                }
            }
            double[] weights = new double[samples];
            for (int s = 0; s < samples; s++) {
                double on = 0;
                for (double v : z[s]) {
                    on += v;
                }
                // cosine distance to the all-ones vector: 1 − on / (sqrt(on)·sqrt(k))
                double dist = on == 0 ? 1 : 1 - on / (Math.sqrt(on) * Math.sqrt(k));
                weights[s] = Math.sqrt(Math.exp(-(dist * dist) / (0.25 * 0.25)));
            }
            double[] beta = Ridge.fit(z, y, weights, 1.0);
            for (int p = 0; p < h * w; p++) {
                out[i * h * w + p] = (float) beta[1 + labels[p]];
            }
        }
        return x.getManager().create(out, new Shape(n, h, w));
    }

    /** SLIC on the input scaled to 8 bits. */
    int[] superpixels(float[] img, int c, int h, int w) {
        Cv.load();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : img) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1;
        byte[] px = new byte[h * w * c];
        for (int p = 0; p < h * w; p++) {
            for (int ch = 0; ch < c; ch++) {
                px[p * c + ch] = (byte) Math.round(255 * (img[ch * h * w + p] - min) / range);
            }
        }
        Mat m = new Mat(h, w, CvType.makeType(CvType.CV_8U, c));
        m.put(0, 0, px);
        SuperpixelSLIC slic = Ximgproc.createSuperpixelSLIC(m, Ximgproc.SLICO, regionSize, ruler);
        slic.iterate(10);
        slic.enforceLabelConnectivity();
        Mat labels = new Mat();
        slic.getLabels(labels);
        int[] out = new int[h * w];
        labels.get(0, 0, out);
        return out;
    }
}
