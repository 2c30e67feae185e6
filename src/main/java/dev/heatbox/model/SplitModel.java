package dev.heatbox.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.heatbox.util.BadInputException;
import java.util.List;

/**
 * A classifier split at the layer being explained: a trunk (input → feature map A, run without
 * recording gradients) and a head (A → pre-softmax class scores). Explainers see only this and
 * DJL's NDArray API; engine-specific work (a symbol-graph rewrite, say) stays in the
 * implementations.
 */
public interface SplitModel extends AutoCloseable {
    ModelSpec spec();

    InputSpec input();

    /** Class names, index = class index. */
    List<String> labels();

    /** The name of the layer whose output the trunk returns. */
    String layer();

    /** The manager the model's parameters live in; make per-batch sub-managers from it. */
    NDManager manager();

    /** Input batch [N, C, H, W] → feature map A [N, K, h, w]. */
    NDArray features(NDArray input);

    /** Feature map A → pre-softmax scores [N, classes]. Recordable: run it inside a gradient collector. */
    NDArray scores(NDArray features);

    /** The linear classifier after global average pooling, [classes, K]; null where CAM does not apply. */
    NDArray classifierWeight();

    /** True when training mode computes the same outputs (no batch norm, no dropout): see MxInference. */
    default boolean sameInTrainingMode() {
        return false;
    }

    /**
     * A gradient collector of this model's engine, set up so that what runs inside it computes
     * the model as it predicts (MXNet needs its mode switched; TorchScript needs autograd turned
     * on for its forward). Explainers record through this, never through an engine directly.
     */
    default GradientCollector newGradientCollector() {
        return manager().getEngine().newGradientCollector();
    }

    /** The DJL engine that runs the model ("MXNet", "PyTorch", "OnnxRuntime"). */
    default String engineName() {
        return manager().getEngine().getEngineName();
    }

    /** Whether gradients can be taken at all (an ONNX model runs forward only). */
    default boolean hasGradients() {
        return true;
    }

    /** A layer the model can be split at: its name, its kind (an operator or "split"), its output shape for one image. */
    record Layer(String name, String kind, Shape shape) {}

    /**
     * Asks for later layers too (layer fusion): from now on each {@link #scores} call also gives these
     * layers' outputs, and a recorded pass their gradients ({@link #tapped}), from the same forward
     * and backward. Layers must come after {@link #layer()}; an empty list stops tapping.
     */
    default void tap(List<String> layers) {
        if (!layers.isEmpty()) {
            throw new BadInputException("model " + spec().name + ": maps of several layers in one pass (fusion) need an"
                    + " MXNet symbol export (format mxnet-symbol); this model is " + spec().format);
        }
    }

    /**
     * A tapped layer's output in the last {@link #scores} call, and the zero input added to it there:
     * after a recorded pass, {@code probe.getGradient()} is ∂objective/∂output.
     */
    record Tapped(String layer, NDArray features, NDArray probe) {}

    /** The tapped layers of the last {@link #scores} call, in the order given to {@link #tap}. */
    default List<Tapped> tapped() {
        return List.of();
    }

    /** The layers {@code --layer} accepts, in graph order. */
    List<Layer> layers();

    /**
     * ∂(each image's target score)/∂input with the given rule at every rectifier (vanilla
     * gradient, deconvnet, guided backprop), by a backward pass run segment by segment between
     * the rectifiers.
     */
    default NDArray rectifiedGradient(NDArray input, int[] targets, RectifierRule rule) {
        throw new BadInputException("model " + spec().name + ": deconvnet, guided and guided-gradcam need an"
                + " MXNet symbol export (format mxnet-symbol); this model is " + spec().format);
    }

    @Override
    void close();
}
