package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.RectifierRule;

/**
 * Guided Grad-CAM (Selvaraju et al.): guided backpropagation × the Grad-CAM map upsampled to the
 * input — class-discriminative and high-resolution. Map = Σ_channels |guided| · Grad-CAM↑; the
 * signed product (per channel) is kept.
 */
public final class GuidedGradCam implements Method {
    private float[] lastGradient;

    @Override
    public String name() {
        return "guided-gradcam";
    }

    @Override
    public boolean needsGradient() {
        return true;
    }

    public float[] lastGradient() {
        return lastGradient;
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray cam = new GradCam().layerMap(ctx).maximum(0f); // [N, h, w]
        NDArray guided = ctx.model().rectifiedGradient(ctx.input(), ctx.targets(), RectifierRule.GUIDED); // [N, C, H, W]
        int n = (int) guided.getShape().get(0);
        int hh = (int) guided.getShape().get(2);
        int ww = (int) guided.getShape().get(3);
        int h = (int) cam.getShape().get(1);
        int w = (int) cam.getShape().get(2);
        float[] c = cam.toFloatArray();
        float[] up = new float[n * hh * ww];
        for (int i = 0; i < n; i++) {
            float[] one = Heatmaps.resize(java.util.Arrays.copyOfRange(c, i * h * w, (i + 1) * h * w), h, w, hh, ww);
            System.arraycopy(one, 0, up, i * hh * ww, hh * ww);
        }
        NDArray camUp = guided.getManager().create(up, new Shape(n, 1, hh, ww));
        NDArray product = guided.mul(camUp);
        lastGradient = product.toFloatArray();
        return guided.abs().sum(new int[] {1}).mul(camUp.squeeze(1));
    }
}
