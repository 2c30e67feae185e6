package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** HiResCAM (Draelos and Carin 2020): map = ReLU(Σ_k ∂y^c/∂A^k_ij · A^k_ij), gradients not averaged. */
public final class HiResCam implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "hirescam";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        return ctx.gradient().mul(ctx.features()).sum(new int[] {1});
    }
}
