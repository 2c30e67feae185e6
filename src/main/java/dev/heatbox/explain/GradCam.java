package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** Grad-CAM (Selvaraju et al. 2017): α_k = mean over positions of ∂y^c/∂A^k; map = ReLU(Σ_k α_k A^k). */
public final class GradCam implements Method {
    @Override
    public String name() {
        return "gradcam";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray alpha = ctx.gradient().mean(new int[] {2, 3}, true); // [N,K,1,1]
        return ctx.features().mul(alpha).sum(new int[] {1});
    }
}
