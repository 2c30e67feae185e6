package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** Grad-CAM (Selvaraju et al. 2017): α_k = mean over positions of ∂y^c/∂A^k; map = ReLU(Σ_k α_k A^k). */
public final class GradCam implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

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
        NDArray g = ctx.gradient();
        // a sum then a division, not mean over two axes: PyTorch's NDArray reduces a mean over one axis only
        NDArray alpha = g.sum(new int[] {2, 3}, true).div(g.getShape().get(2) * g.getShape().get(3)); // [N,K,1,1]
        return ctx.features().mul(alpha).sum(new int[] {1});
    }
}
