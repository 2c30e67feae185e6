package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.HeadPass;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final Tta tta;
    private final Fusion fusion;

    public ExplainEngine(SplitModel model, Method method) {
        this(model, method, Normalization.MIN_MAX, false);
    }

    /** @param flip test-time augmentation: average with the mirrored image's map, mirrored back (same target) */
    public ExplainEngine(SplitModel model, Method method, Normalization normalization, boolean flip) {
        this(model, method, normalization, Tta.of(flip), null);
    }

    /**
     * @param tta test-time augmentation: views of the image whose maps (same target) are averaged
     * @param fusion later layers whose maps are fused with the split layer's (the model is told to tap them); null for none
     */
    public ExplainEngine(SplitModel model, Method method, Normalization normalization, Tta tta, Fusion fusion) {
        if (!model.hasGradients() && !method.blackBox()) {
            throw new BadInputException("method '" + method.name() + "' needs gradients or layer activations, which the "
                    + model.spec().format + " model " + model.spec().name + " does not give; use occlusion, rise or lime,"
                    + " or export TorchScript (tools/export_torchscript.py) for the other methods");
        }
        this.model = model;
        this.method = method;
        this.normalization = normalization;
        if (!tta.scales().isEmpty() && !method.featureMapOnly()) {
            throw new BadInputException("TTA scales need a method that reads the feature map only (the CAM family); "
                    + method.name() + " works on the input at the model's size");
        }
        this.tta = tta;
        this.fusion = fusion;
        model.tap(fusion == null ? List.of() : fusion.layers());
    }

    public Method method() {
        return method;
    }

    /** Explains a batch; {@code targets[i]} is a class index or {@link #TOP1}, one per image. */
    public List<Explanation> explain(List<float[]> inputs, int[] targets) {
        return explain(inputs, TargetRule.fixed(targets, model.labels()));
    }

    /**
     * One map per image at layer resolution, before upsampling and normalization: [n][h·w], plus h
     * and w; {@code tapped} holds the same for each tapped layer (fusion), from the same pass.
     */
    public record LayerMaps(float[][] maps, int height, int width, int[] targets, float[] probs, int classes,
                            List<LayerMaps> tapped) {
        public LayerMaps(float[][] maps, int height, int width, int[] targets, float[] probs, int classes) {
            this(maps, height, width, targets, probs, classes, List.of());
        }
    }

    public LayerMaps layerMaps(List<float[]> inputs, TargetRule rule) {
        return layerMaps(inputs, model.input().height, model.input().width, rule);
    }

    /** The same for inputs of another size (an enlarged TTA view). */
    public LayerMaps layerMaps(List<float[]> inputs, int height, int width, TargetRule rule) {
        InputSpec in = model.input();
        int n = inputs.size();
        int per = in.channels() * height * width;
        float[] flat = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, flat, i * per, per);
        }
        try (NDManager sub = model.manager().newSubManager()) {
            NDArray x = sub.create(flat, new Shape(n, in.channels(), height, width));
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
            int classes = (int) scores.getShape().get(1);
            List<LayerMaps> tapped = new ArrayList<>();
            for (SplitModel.Tapped t : model.tapped()) {
                // one scope per tapped layer: a method's intermediates (Grad-CAM++'s powers of the gradient) over a
                // hundred layers would otherwise live until the batch ends
                try (NDManager scope = sub.newSubManager()) {
                    NDArray f = t.features();
                    f.tempAttach(scope); // what the method computes from it lands in scope, closed below
                    NDArray g = null;
                    if (method.needsGradient()) {
                        g = t.probe().getGradient();
                        g.attach(scope);
                    }
                    tapped.add(toLayerMaps(method.layerMap(new ExplainContext(model, f, scores, chosen[0], x, g)),
                            chosen[0], probs[0], classes, List.of()));
                }
            }
            return toLayerMaps(method.layerMap(new ExplainContext(model, a, scores, chosen[0], x, grad)), chosen[0], probs[0],
                    classes, tapped);
        }
    }

    private LayerMaps toLayerMaps(NDArray maps, int[] targets, float[] probs, int classes, List<LayerMaps> tapped) {
        if (method.relu()) {
            maps = maps.maximum(0f);
        }
        int n = (int) maps.getShape().get(0);
        int h = (int) maps.getShape().get(1);
        int w = (int) maps.getShape().get(2);
        float[] all = maps.toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
        }
        return new LayerMaps(out, h, w, targets, probs, classes, tapped);
    }

    /** Image i's map at input size: the layer's, or (fusion) every layer's scaled to [0, 1] and combined. */
    private float[] atInputSize(LayerMaps lm, int i) {
        List<Fusion.LayerMap> layers = new ArrayList<>(List.of(new Fusion.LayerMap(lm.maps()[i], lm.height(), lm.width())));
        for (LayerMaps t : lm.tapped()) {
            layers.add(new Fusion.LayerMap(t.maps()[i], t.height(), t.width()));
        }
        return Fusion.onImage(fusion == null ? null : fusion.mode(), layers, model.input().height, model.input().width);
    }

    public List<Explanation> explain(List<float[]> inputs, TargetRule rule) {
        InputSpec in = model.input();
        LayerMaps lm = layerMaps(inputs, rule);
        List<float[]> maps = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            maps.add(atInputSize(lm, i));
        }
        List<Tta.View> views = tta.views();
        for (Tta.View v : views.subList(1, views.size())) {
            int h = (int) Math.round(in.height * v.scale());
            int w = (int) Math.round(in.width * v.scale());
            List<float[]> view = v.scale() == 1 ? inputs : Heatmaps.resizeInputs(inputs, in.channels(), in.height, in.width, h, w);
            if (v.mirrored()) {
                view = Heatmaps.mirrorInputs(view, in.channels(), h, w);
            }
            LayerMaps vm = layerMaps(view, h, w, TargetRule.fixed(lm.targets(), model.labels()));
            for (int i = 0; i < inputs.size(); i++) { // the view covers the whole image: resizing its map puts it back
                Tta.addBack(v, atInputSize(vm, i), maps.get(i), in.height, in.width);
            }
        }
        int[] top1 = TargetRule.rank(0, model.labels()).choose(lm.probs(), inputs.size(), lm.classes());
        List<Explanation> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            float[] up = maps.get(i);
            for (int j = 0; j < up.length; j++) {
                up[j] /= views.size();
            }
            up = normalization.apply(up);
            int c = lm.classes();
            out.add(new Explanation(up, in.height, in.width, lm.targets()[i], lm.probs()[i * c + lm.targets()[i]],
                    top1[i], lm.probs()[i * c + top1[i]]));
        }
        return out;
    }
}
