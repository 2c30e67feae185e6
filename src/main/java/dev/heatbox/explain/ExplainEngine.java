package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.SplitModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The one engine: runs the trunk and head on a batch, picks each image's own target, asks the
 * method for its layer map, then upsamples to the input size and min-max normalizes.
 */
public final class ExplainEngine {
    /** Target "top-1" for an image: the highest-scoring class that is not named "background". */
    public static final int TOP1 = -1;

    private final SplitModel model;
    private final Method method;

    public ExplainEngine(SplitModel model, Method method) {
        this.model = model;
        this.method = method;
    }

    public Method method() {
        return method;
    }

    /**
     * Explains a batch. {@code inputs} are model-ready CHW tensors; {@code targets[i]} is a class
     * index or {@link #TOP1}. Every image is explained against its own target.
     */
    public List<Explanation> explain(List<float[]> inputs, int[] targets) {
        InputSpec in = model.input();
        int n = inputs.size();
        int per = in.channels() * in.height * in.width;
        float[] flat = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, flat, i * per, per);
        }
        try (NDManager sub = model.manager().newSubManager()) {
            NDArray x = sub.create(flat, new Shape(n, in.channels(), in.height, in.width));
            NDArray a = model.features(x);
            NDArray scores = model.scores(a);
            float[] probs = scores.softmax(1).toFloatArray();
            int classes = (int) scores.getShape().get(1);
            int[] top1 = new int[n];
            int[] chosen = new int[n];
            for (int i = 0; i < n; i++) {
                top1[i] = argmax(probs, i * classes, classes);
                chosen[i] = targets == null || targets[i] == TOP1 ? top1[i] : targets[i];
            }
            NDArray maps = method.layerMap(new ExplainContext(model, a, scores, chosen));
            if (method.relu()) {
                maps = maps.maximum(0f);
            }
            int h = (int) maps.getShape().get(1);
            int w = (int) maps.getShape().get(2);
            float[] all = maps.toFloatArray();
            List<Explanation> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] m = java.util.Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
                float[] up = Heatmaps.minMaxNormalize(Heatmaps.resize(m, h, w, in.height, in.width));
                out.add(new Explanation(up, in.height, in.width, chosen[i], probs[i * classes + chosen[i]],
                        top1[i], probs[i * classes + top1[i]]));
            }
            return out;
        }
    }

    private int argmax(float[] p, int off, int len) {
        List<String> labels = model.labels();
        int best = -1;
        for (int c = 0; c < len; c++) {
            if (c < labels.size() && labels.get(c).equalsIgnoreCase("background")) {
                continue;
            }
            if (best < 0 || p[off + c] > p[off + best]) {
                best = c;
            }
        }
        return best;
    }
}
