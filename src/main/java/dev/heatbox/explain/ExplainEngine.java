package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.HeadPass;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one engine: runs the trunk (never recorded) and the head (recorded only for methods that
 * need ∂y^c/∂A), picks each image's own target, asks the method for its layer map, keeps its
 * positive part where the method says so, upsamples bilinearly to the input size and normalizes
 * (min-max unless told otherwise). Each batch lives in its own NDManager scope.
 */
public final class ExplainEngine {
    /** Target "top-1" for an image: the highest-scoring class that is not named "background". */
    public static final int TOP1 = -1;

    private final SplitModel model;
    private final Method method;
    private final Normalization normalization;
    private final boolean flip;

    public ExplainEngine(SplitModel model, Method method) {
        this(model, method, Normalization.MIN_MAX, false);
    }

    /** @param flip test-time augmentation: average with the mirrored image's map, mirrored back (same target) */
    public ExplainEngine(SplitModel model, Method method, Normalization normalization, boolean flip) {
        if (!model.hasGradients() && !method.blackBox()) {
            throw new BadInputException("method '" + method.name() + "' needs gradients or layer activations, which the "
                    + model.spec().format + " model " + model.spec().name + " does not give; use occlusion, rise or lime,"
                    + " or export TorchScript (tools/export_torchscript.py) for the other methods");
        }
        this.model = model;
        this.method = method;
        this.normalization = normalization;
        this.flip = flip;
    }

    public Method method() {
        return method;
    }

    /** Explains a batch; {@code targets[i]} is a class index or {@link #TOP1}, one per image. */
    public List<Explanation> explain(List<float[]> inputs, int[] targets) {
        return explain(inputs, TargetRule.fixed(targets, model.labels()));
    }

    /** One map per image at layer resolution, before ReLU/upsampling/normalization: [n][h·w], plus h and w. */
    public record LayerMaps(float[][] maps, int height, int width, int[] targets, float[] probs, int classes) {}

    public LayerMaps layerMaps(List<float[]> inputs, TargetRule rule) {
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
            NDArray scores;
            NDArray grad = null;
            int[][] chosen = new int[1][];
            float[][] probs = new float[1][];
            if (method.needsGradient()) {
                HeadPass pass = HeadPass.run(model, a, s -> {
                    int classes = (int) s.getShape().get(1);
                    probs[0] = s.softmax(1).toFloatArray();
                    chosen[0] = rule.choose(probs[0], n, classes);
                    return s.mul(s.getManager().create(chosen[0]).oneHot(classes)).sum(new int[] {1});
                });
                scores = pass.scores();
                grad = pass.gradient();
            } else {
                scores = model.scores(a);
                probs[0] = scores.softmax(1).toFloatArray();
                chosen[0] = rule.choose(probs[0], n, (int) scores.getShape().get(1));
            }
            NDArray maps = method.layerMap(new ExplainContext(model, a, scores, chosen[0], x, grad));
            if (method.relu()) {
                maps = maps.maximum(0f);
            }
            int h = (int) maps.getShape().get(1);
            int w = (int) maps.getShape().get(2);
            float[] all = maps.toFloatArray();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = java.util.Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
            }
            return new LayerMaps(out, h, w, chosen[0], probs[0], (int) scores.getShape().get(1));
        }
    }

    public List<Explanation> explain(List<float[]> inputs, TargetRule rule) {
        InputSpec in = model.input();
        LayerMaps lm = layerMaps(inputs, rule);
        LayerMaps mirrored = flip ? layerMaps(Heatmaps.mirrorInputs(inputs, in.channels(), in.height, in.width),
                TargetRule.fixed(lm.targets(), model.labels())) : null;
        int[] top1 = TargetRule.rank(0, model.labels()).choose(lm.probs(), inputs.size(), lm.classes());
        List<Explanation> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            float[] up = Heatmaps.resize(lm.maps()[i], lm.height(), lm.width(), in.height, in.width);
            if (mirrored != null) {
                float[] back = Heatmaps.mirror(Heatmaps.resize(mirrored.maps()[i], mirrored.height(), mirrored.width(),
                        in.height, in.width), 1, in.height, in.width);
                for (int j = 0; j < up.length; j++) {
                    up[j] = (up[j] + back[j]) / 2;
                }
            }
            up = normalization.apply(up);
            int c = lm.classes();
            out.add(new Explanation(up, in.height, in.width, lm.targets()[i], lm.probs()[i * c + lm.targets()[i]],
                    top1[i], lm.probs()[i * c + top1[i]]));
        }
        return out;
    }
}
