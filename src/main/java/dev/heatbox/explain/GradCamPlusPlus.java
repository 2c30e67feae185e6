package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), with the exponential-score closed form:
 * a_ij^k = g² / (2g² + Σ_ab A^k_ab · g³), weights w_k = Σ_ij a_ij^k · ReLU(g_ij^k).
 */
public final class GradCamPlusPlus implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "gradcam++";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray g = ctx.gradient();
        NDArray a = ctx.features();
        NDArray g2 = g.square();
        NDArray g3 = g2.mul(g);
        NDArray sumA = a.sum(new int[] {2, 3}, true);
        NDArray denom = g2.mul(2).add(sumA.mul(g3)).add(1e-7f);
        NDArray aij = g2.div(denom).mul(g.neq(0).toType(g.getDataType(), false));
        NDArray w = aij.mul(g.maximum(0f)).sum(new int[] {2, 3}, true);
        return a.mul(w).sum(new int[] {1});
    }
}
