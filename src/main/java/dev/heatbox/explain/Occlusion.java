package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.SplitModel;

/**
 * Occlusion (Zeiler and Fergus 2014): a {@code patch}-pixel square of the input set to the
 * baseline (0 after normalization, the mean colour) slides with {@code stride}; each pixel's value is
 * the mean drop of the target score over the patches that covered it. Gradient-free; costs one
 * forward pass per patch position, run {@code batch} at a time.
 */
public final class Occlusion implements Method {
    private final int patch;
    private final int stride;
    private final int batch;

    public Occlusion(int patch, int stride, int batch) {
        this.patch = patch;
        this.stride = Math.max(1, stride);
        this.batch = Math.max(1, batch);
    }

    @Override
    public boolean blackBox() {
        return true;
    }

    @Override
    public String name() {
        return "occlusion";
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        SplitModel model = ctx.model();
        NDArray x = ctx.input();
        int n = (int) x.getShape().get(0);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        float[] base = ctx.scores().toFloatArray();
        int classes = (int) ctx.scores().getShape().get(1);
        // every stride-th position; patches at the border are clipped, so every pixel is covered
        java.util.List<int[]> positions = new java.util.ArrayList<>();
        for (int y = 0; y < h; y += stride) {
            for (int xx = 0; xx < w; xx += stride) {
                positions.add(new int[] {y, xx});
            }
        }
        float[] out = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            float[] drop = new float[h * w];
            int[] cover = new int[h * w];
            float baseline = base[i * classes + ctx.targets()[i]];
            for (int s = 0; s < positions.size(); s += batch) {
                int m = Math.min(batch, positions.size() - s);
                float[] mask = new float[m * h * w];
                java.util.Arrays.fill(mask, 1f);
                for (int j = 0; j < m; j++) {
                    int[] p = positions.get(s + j);
                    for (int yy = p[0]; yy < Math.min(h, p[0] + patch); yy++) {
                        for (int xx = p[1]; xx < Math.min(w, p[1] + patch); xx++) {
                            mask[j * h * w + yy * w + xx] = 0f;
                        }
                    }
                }
                try (NDManager sub = model.manager().newSubManager()) {
                    NDArray mk = sub.create(mask, new Shape(m, 1, h, w));
                    NDArray scores = model.scores(model.features(x.get(i).expandDims(0).mul(mk)));
                    float[] t = scores.get(":, " + ctx.targets()[i]).toFloatArray();
                    for (int j = 0; j < m; j++) {
                        int[] p = positions.get(s + j);
                        for (int yy = p[0]; yy < Math.min(h, p[0] + patch); yy++) {
                            for (int xx = p[1]; xx < Math.min(w, p[1] + patch); xx++) {
                                drop[yy * w + xx] += baseline - t[j];
                                cover[yy * w + xx]++;
                            }
                        }
                    }
                }
            }
            for (int p = 0; p < h * w; p++) {
                out[i * h * w + p] = cover[p] == 0 ? 0 : drop[p] / cover[p];
            }
        }
        return x.getManager().create(out, new Shape(n, h, w));
    }
}
