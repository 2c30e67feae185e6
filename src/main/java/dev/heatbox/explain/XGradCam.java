package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** XGrad-CAM (Fu et al. 2020): w_k = Σ_ij (A^k_ij / Σ_ab A^k_ab) · ∂y^c/∂A^k_ij. */
public final class XGradCam implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "xgradcam";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray a = ctx.features();
        NDArray w = a.mul(ctx.gradient()).sum(new int[] {2, 3}, true).div(a.sum(new int[] {2, 3}, true).add(1e-7f));
        return a.mul(w).sum(new int[] {1});
    }
}
