package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.SplitModel;

/**
 * Score-CAM (Wang et al. 2020): each channel A^k, upsampled to the input and scaled to [0, 1],
 * masks the image; the target's score on the masked image, softmaxed over channels, weights
 * A^k. Gradient-free, and it costs one forward pass per channel and image (1,280 for
 * MobileNetV2's last conv), run {@code batch} masks at a time.
 */
public final class ScoreCam implements Method {
    private final int batch;

    public ScoreCam(int batch) {
        this.batch = Math.max(1, batch);
    }

    @Override
    public String name() {
        return "scorecam";
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        SplitModel model = ctx.model();
        InputSpec in = model.input();
        NDArray a = ctx.features();
        int n = (int) a.getShape().get(0);
        int k = (int) a.getShape().get(1);
        int h = (int) a.getShape().get(2);
        int w = (int) a.getShape().get(3);
        int hw = in.height * in.width;
        float[] feats = a.toFloatArray();
        NDList maps = new NDList();
        for (int i = 0; i < n; i++) {
            NDArray x = ctx.input().get(i); // [C,H,W]
            float[] scores = new float[k];
            for (int start = 0; start < k; start += batch) {
                int m = Math.min(batch, k - start);
                float[] masks = new float[m * hw];
                for (int j = 0; j < m; j++) {
                    float[] ch = java.util.Arrays.copyOfRange(feats, ((i * k) + start + j) * h * w, ((i * k) + start + j + 1) * h * w);
                    float[] up = Heatmaps.resize(ch, h, w, in.height, in.width);
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (float v : up) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    float range = max - min;
                    for (int p = 0; p < hw; p++) {
                        masks[j * hw + p] = range > 0 ? (up[p] - min) / range : 0f;
                    }
                }
                try (NDManager sub = model.manager().newSubManager()) {
                    NDArray mk = sub.create(masks, new Shape(m, 1, in.height, in.width));
                    NDArray batchIn = x.expandDims(0).mul(mk);
                    NDArray s = model.scores(model.features(batchIn));
                    float[] t = s.get(":, " + ctx.targets()[i]).toFloatArray();
                    System.arraycopy(t, 0, scores, start, m);
                }
            }
            NDArray weights = a.getManager().create(scores).softmax(0).reshape(k, 1, 1);
            maps.add(a.get(i).mul(weights).sum(new int[] {0}).expandDims(0));
        }
        return NDArrays.concat(maps, 0);
    }
}
