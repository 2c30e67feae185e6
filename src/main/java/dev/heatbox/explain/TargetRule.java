package dev.heatbox.explain;

import java.util.List;

/** Which class each image of a batch is explained for, chosen from its probabilities. */
@FunctionalInterface
public interface TargetRule {
    /** @param probs [n × classes] row-major softmax probabilities; returns one class index per image */
    int[] choose(float[] probs, int n, int classes);

    /** The class ranked {@code rank} (0 = top-1), skipping any label named "background". */
    static TargetRule rank(int rank, List<String> labels) {
        return (p, n, classes) -> {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                Integer[] idx = new Integer[classes];
                for (int c = 0; c < classes; c++) {
                    idx[c] = c;
                }
                final int row = i * classes;
                java.util.Arrays.sort(idx, (x, y) -> Float.compare(p[row + y], p[row + x]));
                int r = -1;
                for (int c : idx) {
                    if (c < labels.size() && labels.get(c).equalsIgnoreCase("background")) {
                        continue;
                    }
                    if (++r == rank) {
                        out[i] = c;
                        break;
                    }
                }
            }
            return out;
        };
    }

    /** Fixed classes per image; {@link ExplainEngine#TOP1} entries fall back to the top-1 class. */
    static TargetRule fixed(int[] targets, List<String> labels) {
        TargetRule top = rank(0, labels);
        return (p, n, classes) -> {
            int[] t = top.choose(p, n, classes);
            for (int i = 0; i < n; i++) {
                if (targets != null && targets[i] != ExplainEngine.TOP1) {
                    t[i] = targets[i];
                }
            }
            return t;
        };
    }

    /**
     * Row by row (several rows may be one image, each with its own target): the best-scoring of the
     * row's candidate classes, or, where it has none, the model's class of the row's rank.
     */
    static TargetRule perRow(List<List<Integer>> candidates, int[] ranks, List<String> labels) {
        return (p, n, classes) -> {
            int[] out = new int[n];
            for (int r = 0; r < n; r++) {
                List<Integer> c = candidates.get(r);
                int best = c == null ? -1 : GroundTruthTargets.best(p, r, classes, c);
                if (best < 0) {
                    float[] row = java.util.Arrays.copyOfRange(p, r * classes, (r + 1) * classes);
                    best = rank(ranks[r], labels).choose(row, 1, classes)[0];
                }
                out[r] = best;
            }
            return out;
        };
    }
}
