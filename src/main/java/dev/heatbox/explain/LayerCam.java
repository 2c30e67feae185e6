package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** LayerCAM (Jiang et al. 2021): map = ReLU(Σ_k ReLU(∂y^c/∂A^k_ij) · A^k_ij), a weight per position. */
public final class LayerCam implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "layercam";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        return ctx.gradient().maximum(0f).mul(ctx.features()).sum(new int[] {1});
    }
}
