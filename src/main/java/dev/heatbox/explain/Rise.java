package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.SplitModel;
import java.util.Random;

/**
 * RISE (Petsiuk et al. 2018): N random binary masks on a coarse {@code cells}×{@code cells} grid
 * (each cell kept with probability p), upsampled bilinearly with a random shift; the map is
 * Σ_masks softmax-probability(target | x ⊙ mask) · mask / (N · p). Gradient-free; one forward
 * per mask, {@code batch} at a time; deterministic for a given seed.
 */
public final class Rise implements Method {
    private final int masks;
    private final int cells;
    private final double p;
    private final long seed;
    private final int batch;

    public Rise(int masks, int cells, double p, long seed, int batch) {
        this.masks = masks;
        this.cells = cells;
        this.p = p;
        this.seed = seed;
        this.batch = Math.max(1, batch);
    }

    @Override
    public boolean blackBox() {
        return true;
    }

    @Override
    public String name() {
        return "rise";
    }

    @Override
    public boolean relu() {
        return false; // already non-negative
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        SplitModel model = ctx.model();
        NDArray x = ctx.input();
        int n = (int) x.getShape().get(0);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        float[][] all = masks(h, w);
        float[] out = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < masks; s += batch) {
                int m = Math.min(batch, masks - s);
                float[] flat = new float[m * h * w];
                for (int j = 0; j < m; j++) {
                    System.arraycopy(all[s + j], 0, flat, j * h * w, h * w);
                }
                try (NDManager sub = model.manager().newSubManager()) {
                    NDArray mk = sub.create(flat, new Shape(m, 1, h, w));
                    NDArray prob = model.scores(model.features(x.get(i).expandDims(0).mul(mk))).softmax(1);
                    float[] t = prob.get(":, " + ctx.targets()[i]).toFloatArray();
                    for (int j = 0; j < m; j++) {
                        float[] mask = all[s + j];
                        for (int q = 0; q < h * w; q++) {
                            out[i * h * w + q] += t[j] * mask[q];
                        }
                    }
                }
            }
            for (int q = 0; q < h * w; q++) {
                out[i * h * w + q] /= (float) (masks * p);
            }
        }
        return x.getManager().create(out, new Shape(n, h, w));
    }

    /** The masks, the same for every image and every run with this seed. */
    float[][] masks(int h, int w) {
        Random rng = new Random(seed);
        float[][] out = new float[masks][];
        double cellH = Math.ceil((double) h / cells);
        double cellW = Math.ceil((double) w / cells);
        int bigH = (int) ((cells + 1) * cellH);
        int bigW = (int) ((cells + 1) * cellW);
        for (int k = 0; k < masks; k++) {
            float[] grid = new float[cells * cells];
            for (int g = 0; g < grid.length; g++) {
                grid[g] = rng.nextDouble() < p ? 1f : 0f;
            }
            float[] big = Heatmaps.resize(grid, cells, cells, bigH, bigW);
            int dy = rng.nextInt((int) cellH);
            int dx = rng.nextInt((int) cellW);
            float[] m = new float[h * w];
            for (int y = 0; y < h; y++) {
                System.arraycopy(big, (y + dy) * bigW + dx, m, y * w, w);
            }
            out[k] = m;
        }
        return out;
    }
}
