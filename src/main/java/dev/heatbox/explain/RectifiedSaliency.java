package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import dev.heatbox.model.RectifierRule;

/**
 * Deconvnet or guided backpropagation: the input gradient with the rule at every rectifier
 * ({@link RectifierRule}); the map is Σ_channels |gradient|, the signed gradient is kept. Neither is
 * class-sensitive in practice (the article's point): guided maps for two classes look alike.
 */
public final class RectifiedSaliency implements Method {
    private final RectifierRule rule;
    private float[] lastGradient;

    public RectifiedSaliency(RectifierRule rule) {
        this.rule = rule;
    }

    @Override
    public String name() {
        return rule == RectifierRule.DECONVNET ? "deconvnet" : "guided";
    }

    public float[] lastGradient() {
        return lastGradient;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray g = ctx.model().rectifiedGradient(ctx.input(), ctx.targets(), rule);
        lastGradient = g.toFloatArray();
        return g.abs().sum(new int[] {1});
    }
}
