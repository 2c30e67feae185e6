package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.heatbox.model.SplitModel;

/**
 * Vanilla gradients (Simonyan et al. 2014): the map is Σ_channels |∂y^c/∂x| at input resolution.
 * With {@code samples > 1} it is SmoothGrad (Smilkov et al. 2017): the gradient averaged over
 * noisy copies of the input, noise σ = {@code noise} × (max − min of the input). Not class-blind:
 * y^c is each image's own target score. The signed gradient is kept in {@link #lastGradient}.
 */
public final class Saliency implements Method {
    private final int samples;
    private final double noise;
    private final long seed;
    private float[] lastGradient;

    public Saliency(int samples, double noise, long seed) {
        this.samples = Math.max(1, samples);
        this.noise = noise;
        this.seed = seed;
    }

    @Override
    public String name() {
        return samples > 1 ? "saliency+smooth" + samples : "saliency";
    }

    /** The signed input gradient of the last batch, [N, C, H, W] row-major. */
    public float[] lastGradient() {
        return lastGradient;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray x = ctx.input();
        NDArray sum = null;
        NDManager m = x.getManager();
        float range = samples > 1 ? x.max().getFloat() - x.min().getFloat() : 0;
        if (samples > 1) {
            // DJL's random numbers come from one engine-wide generator: re-seed it so every batch sees the same noise
            m.getEngine().setRandomSeed((int) seed);
        }
        for (int s = 0; s < samples; s++) {
            NDArray xi = samples > 1 ? x.add(m.randomNormal(0f, (float) (noise * range), x.getShape(), x.getDataType())) : x.duplicate();
            NDArray g = inputGradient(ctx.model(), xi, ctx.targets());
            sum = sum == null ? g : sum.add(g);
        }
        NDArray grad = sum.div(samples);
        lastGradient = grad.toFloatArray();
        return grad.abs().sum(new int[] {1});
    }

    /** ∂(each image's target score)/∂x through the whole network, recorded in inference mode. */
    static NDArray inputGradient(SplitModel model, NDArray x, int[] targets) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = model.newGradientCollector()) {
            NDArray s = model.scores(model.features(x));
            NDArray pick = s.getManager().create(targets).oneHot((int) s.getShape().get(1));
            gc.backward(s.mul(pick).sum());
        }
        return x.getGradient();
    }
}
